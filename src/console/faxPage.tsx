import type { FaxView } from '../domain/fax/faxView.js';
import type { RecordedEvent } from '../ports/eventStore.js';
import { FaxProgressPanel } from './faxProgressPanel.js';
import { durationInWords, preciseTime, purgedInWords, resultInWords, shortTime, transportInWords } from './format.js';
import { Layout } from './layout.js';
import { ReadMark } from './readMark.js';
import { PurgeLink } from './purgeLink.js';
import type { ConsoleSession } from './sessions.js';
import { timelineOf } from './timeline.js';
import { FaxNotifications } from './faxNotifications.js';
import { FaxAccessList } from './faxAccessList.js';
import type { AccessView } from '../ports/accessReadModel.js';

/** Call time: from the answer to the end of the call (or the last event while it goes on). */
function callDuration(events: readonly RecordedEvent[]): number | null {
  const answered = events.find((event) => event.type === 'FaxCallAnswered');
  if (!answered) return null;
  const ended = [...events].reverse().find((event) => ['FaxCallEnded', 'FaxSent', 'FaxFailed', 'FaxReceived', 'FaxReceiveFailed'].includes(event.type)) ?? events.at(-1)!;
  return Date.parse(ended.created) - Date.parse(answered.created);
}

/** One fax: its summary, the document, and every event of its stream in words. */
export function FaxPage({ fax, events, session, pageImages = false, access }: { fax: FaxView; events: readonly RecordedEvent[]; session: ConsoleSession; pageImages?: boolean; access?: readonly AccessView[] | undefined }) {
  const attempts = fax.outbound?.attempts;
  // A purged fax's remote number, ident and document are gone: it says so instead.
  const gone = fax.purged ? purgedInWords(fax) : 'none';
  const remote = fax.direction === 'inbound' ? `from ${fax.from ?? `(${gone})`}` : `to ${fax.to ?? `(${gone})`}`;
  return (
    <Layout title={`Fax ${remote}`} session={session} current={fax.direction === 'inbound' ? '/inbox' : '/sent'}>
      <h1>
        {fax.direction === 'inbound' ? 'Received fax' : 'Sent fax'} {remote}
      </h1>
      {fax.purged && (
        <p class="purged" role="status">
          {purgedInWords(fax)}: its numbers, names, idents, document and page images no longer exist.
        </p>
      )}
      {fax.direction === 'outbound' && <FaxProgressPanel fax={fax} events={events} session={session} />}
      <ReadMark fax={fax} session={session} />
      <PurgeLink faxId={fax.faxId} events={events} />
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">Summary</h2>
        <dl class="summary">
          <dt>From</dt>
          <dd>{fax.from ?? gone}</dd>
          <dt>To</dt>
          <dd>{fax.to ?? gone}</dd>
          <dt>Result</dt>
          <dd class={`status-${fax.status}`}>{resultInWords(fax)}</dd>
          <dt>Pages</dt>
          <dd>{fax.pages}</dd>
          <dt>Duration</dt>
          <dd>{durationInWords(callDuration(events))}</dd>
          <dt>Rate</dt>
          <dd>{fax.transferRate ? `${fax.transferRate} bit/s` : 'unknown'}</dd>
          <dt>Transport</dt>
          <dd>{transportInWords(fax)}</dd>
          <dt>Remote ident</dt>
          <dd>{fax.remoteIdent ?? gone}</dd>
          <dt>Attempts</dt>
          <dd>{attempts ?? (fax.direction === 'inbound' ? 'one call' : 0)}</dd>
          <dt>Created</dt>
          <dd>{shortTime(fax.createdAt)}</dd>
          {session.principal.kind === 'admin' && (
            <>
              <dt>Tenant</dt>
              <dd>{fax.tenantId ?? 'none'}</dd>
            </>
          )}
        </dl>
        {fax.documentId && (
          <p>
            <a class="button" href={`/faxes/${encodeURIComponent(fax.faxId)}/document.pdf`} download={`fax-${fax.faxId}.pdf`}>
              Download PDF
            </a> <a class="button" href={`/faxes/${encodeURIComponent(fax.faxId)}/document.tiff`} download={`fax-${fax.faxId}.tiff`}>
              Download TIFF
            </a>
          </p>
        )}
      </section>
      <section aria-labelledby="pages-heading">
        <h2 id="pages-heading">Pages</h2>
        {pageImages && fax.documentId && fax.pages > 0 ? (
          <ol class="pages" data-thumbnails={fax.faxId}>
            {Array.from({ length: fax.pages }, (_, index) => {
              const page = `/faxes/${encodeURIComponent(fax.faxId)}/pages/${index + 1}`;
              return (
                <li>
                  <a href={`${page}/large`}>
                    <img src={`${page}/thumb`} alt={`Page ${index + 1} of ${fax.pages}`} width="200" loading="lazy" />
                  </a>
                </li>
              );
            })}
          </ol>
        ) : (
          <p class="pages">
            {fax.purged
              ? `${purgedInWords(fax)}: the document and its ${fax.pages} ${fax.pages === 1 ? 'page' : 'pages'} no longer exist.`
              : fax.documentId
                ? `${fax.pages} ${fax.pages === 1 ? 'page' : 'pages'} in the document.`
                : 'No document: nothing was received or stored.'}
          </p>
        )}
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol class="timeline" id="timeline">
          <TimelineItems events={events} />
        </ol>
      </section>
      <FaxNotifications faxId={fax.faxId} events={events} session={session} />
      {access && <FaxAccessList entries={access} />}
    </Layout>
  );
}

/** The timeline's entries; the live progress stream sends them again as they grow. */
export function TimelineItems({ events }: { events: readonly RecordedEvent[] }) {
  return (
    <>
      {timelineOf(events).map((entry) => (
        <li data-event={entry.type}>
          <time datetime={entry.at}>{preciseTime(entry.at)}</time>
          <span class="what">{entry.title}</span>
          {entry.detail && <span class="detail"> — {entry.detail}</span>}
        </li>
      ))}
    </>
  );
}

/** A page that says what is missing, with the status it came with (404, 403). */
export function MessagePage({ title, message, session }: { title: string; message: string; session?: ConsoleSession | undefined }) {
  return (
    <Layout title={title} session={session}>
      <h1>{title}</h1>
      <p class="notice" role="alert">
        {message}
      </p>
      <p>
        <a href="/inbox">Back to the inbox</a>
      </p>
    </Layout>
  );
}
