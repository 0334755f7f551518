import type { FileLimits } from '../api/services/submissionFiles.js';
import { Layout } from './layout.js';
import type { SenderGroup } from './senderNumbers.js';
import type { ConsoleSession } from './sessions.js';

/** What the sender typed, kept when the form comes back with an error (files cannot be kept by a browser). */
export interface SendValues {
  from: string;
  to: string;
  resolution: string;
  pageSize: string;
  headerText: string;
  stationIdent: string;
}

export const emptySendValues: SendValues = { from: '', to: '', resolution: 'fine', pageSize: '', headerText: '', stationIdent: '' };

/** Problems by field name (the API's names), plus `form` for one that belongs to no field. */
export type SendErrors = Partial<Record<keyof SendValues | 'file' | 'form', string>>;

const fieldLabels: Record<keyof SendErrors, string> = {
  from: 'From',
  to: 'To',
  file: 'Documents',
  resolution: 'Resolution',
  pageSize: 'Page size',
  headerText: 'Page header',
  stationIdent: 'Station ident',
  form: 'Form',
};

export const acceptedTypes = '.pdf,.tif,.tiff,.png,.jpg,.jpeg,application/pdf,image/tiff,image/png,image/jpeg';

/** "20 MB": limits in words people read. */
export function bytesInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p class="error field-error" id={id}>
      {error}
    </p>
  ) : null;
}

/** Attributes that tie a field to its error message. */
const invalid = (error: string | undefined, id: string) => (error ? { 'aria-invalid': 'true', 'aria-describedby': id } : {});

/** The send form: From among the session's numbers, To, documents (drop zone), and the API's options. */
export function SendPage(props: { session: ConsoleSession; senders: SenderGroup[]; values: SendValues; errors: SendErrors; limits: FileLimits; idempotencyKey: string }) {
  const { session, senders, values, errors, limits } = props;
  const admin = session.principal.kind === 'admin';
  const problems = Object.entries(errors) as Array<[keyof SendErrors, string]>;
  return (
    <Layout title={problems.length > 0 ? 'Error: send a fax' : 'Send a fax'} session={session} current="/send">
      <h1>Send a fax</h1>
      {problems.length > 0 && (
        <div class="notice error-summary" role="alert" aria-labelledby="error-summary-heading">
          <h2 id="error-summary-heading">The fax was not sent</h2>
          <ul>
            {problems.map(([field, message]) => (
              <li>
                {field === 'form' ? message : <a href={`#send-${field}`}>{`${fieldLabels[field]}: ${message}`}</a>}
              </li>
            ))}
          </ul>
          {errors.file === undefined && values.to !== '' && <p>Choose the documents again: a browser never keeps them in a form it shows anew.</p>}
        </div>
      )}
      {senders.length === 0 ? (
        <p class="notice">{admin ? 'No tenant has a number that can send: add one under Administration first.' : 'Your tenant has no number that can send: ask an administrator to add one.'}</p>
      ) : (
        <form class="send-form" method="post" action="/send" enctype="multipart/form-data" data-send-form data-max-file-bytes={limits.maxFileBytes} data-max-total-bytes={limits.maxTotalBytes} data-max-files={limits.maxFiles}>
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
          <div class="field">
            <label for="send-from">From</label>
            <select id="send-from" name="from" required {...invalid(errors.from, 'send-from-error')}>
              {senders.length > 1 || admin ? <option value="">Choose a number</option> : null}
              {admin
                ? senders.map((group) => (
                    <optgroup label={`${group.tenantName} (tenant ${group.tenantId})`}>
                      {group.numbers.map((number) => (
                        <option value={number} selected={values.from === number}>
                          {number}
                        </option>
                      ))}
                    </optgroup>
                  ))
                : senders.flatMap((group) =>
                    group.numbers.map((number) => (
                      <option value={number} selected={values.from === number}>
                        {number}
                      </option>
                    )),
                  )}
            </select>
            <FieldError id="send-from-error" error={errors.from} />
          </div>
          <div class="field">
            <label for="send-to">To</label>
            <input id="send-to" name="to" type="tel" inputmode="tel" autocomplete="off" required value={values.to} placeholder="+1 555 987 6543" {...invalid(errors.to, 'send-to-error')} />
            <FieldError id="send-to-error" error={errors.to} />
          </div>
          <div class="field dropzone" data-dropzone>
            <label for="send-file">Documents</label>
            <p class="hint" id="send-file-hint">
              PDF, TIFF, PNG or JPEG; up to {limits.maxFiles} files, {bytesInWords(limits.maxFileBytes)} each, {bytesInWords(limits.maxTotalBytes)} together. They are faxed in the order chosen.
            </p>
            <input id="send-file" name="file" type="file" multiple accept={acceptedTypes} aria-describedby={errors.file ? 'send-file-hint send-file-error' : 'send-file-hint'} aria-invalid={errors.file ? 'true' : undefined} />
            <p class="drop-hint" hidden>
              or drop files here
            </p>
            <ul class="chosen-files" aria-label="Chosen files"></ul>
            <FieldError id="send-file-error" error={errors.file} />
          </div>
          <fieldset class="options">
            <legend>Options</legend>
            <div class="field">
              <label for="send-resolution">Resolution</label>
              <select id="send-resolution" name="resolution" {...invalid(errors.resolution, 'send-resolution-error')}>
                <option value="fine" selected={values.resolution !== 'standard'}>
                  fine (204×196 dpi)
                </option>
                <option value="standard" selected={values.resolution === 'standard'}>
                  standard (204×98 dpi)
                </option>
              </select>
              <FieldError id="send-resolution-error" error={errors.resolution} />
            </div>
            <div class="field">
              <label for="send-pageSize">Page size</label>
              <select id="send-pageSize" name="pageSize" {...invalid(errors.pageSize, 'send-pageSize-error')}>
                <option value="" selected={values.pageSize === ''}>
                  default (Letter to +1 numbers, else A4)
                </option>
                <option value="a4" selected={values.pageSize === 'a4'}>
                  A4
                </option>
                <option value="letter" selected={values.pageSize === 'letter'}>
                  Letter
                </option>
              </select>
              <FieldError id="send-pageSize-error" error={errors.pageSize} />
            </div>
            <div class="field">
              <label for="send-headerText">Page header</label>
              <input id="send-headerText" name="headerText" type="text" maxlength={100} value={values.headerText} placeholder="the number's header" {...invalid(errors.headerText, 'send-headerText-error')} />
              <FieldError id="send-headerText-error" error={errors.headerText} />
            </div>
            <div class="field">
              <label for="send-stationIdent">Station ident</label>
              <input id="send-stationIdent" name="stationIdent" type="text" maxlength={20} value={values.stationIdent} placeholder="the number's ident" {...invalid(errors.stationIdent, 'send-stationIdent-error')} />
              <FieldError id="send-stationIdent-error" error={errors.stationIdent} />
            </div>
          </fieldset>
          <p id="send-status" class="send-status" role="status" aria-live="polite"></p>
          <button type="submit">Send</button>
        </form>
      )}
      <script src="/console/send.js" defer></script>
    </Layout>
  );
}
