import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { DomainError, TooLargeError, ValidationError } from '../domain/errors.js';
import { readMultipartUpload, type FormPart } from '../api/multipartUpload.js';
import { SpooledFile } from '../api/routes/receiveUploads.js';
import type { FaxSubmission } from '../api/services/faxSubmission.js';
import type { FileLimits } from '../api/services/submissionFiles.js';
import type { ConsoleEnv } from './consoleKit.js';
import { bytesInWords } from './sendPage.js';

/** Room for the form's text fields and part headers on top of the files' limit (as the API allows). */
const formAllowance = 1024 * 1024;

/** Why an upload was refused before the form was looked at: the status and the words of the error page. */
export type UploadRefusal = (c: Context<ConsoleEnv>, status: 400 | 413 | 422, message: string) => Response | Promise<Response>;

/**
 * Reads the send form's multipart body the way the API reads `POST /v1/faxes` (readMultipartUpload:
 * each file straight to disk in the submission temp dir, stopping at the first limit passed), then
 * hands the parts to Hono's form parser (so `csrfChecked` and the route read them) and removes the
 * folder when the request is done.
 *
 * Unlike the API, a refusal is an HTML page for a browser. Closing the connection on a browser that
 * is still sending can reset it before the browser has read the answer (why web servers linger on
 * close), so after a limit is passed the rest of the body is read and thrown away (nothing is
 * kept), up to twice the request limit; beyond that the connection is closed after the answer.
 */
export function receiveSendForm(submission: FaxSubmission, refuse: UploadRefusal) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    if (!/^multipart\/form-data\s*(;|$)/i.test(c.req.header('content-type') ?? '')) return next();
    const limits = { ...submission.fileLimits, maxBodyBytes: submission.fileLimits.maxTotalBytes + formAllowance };
    const drainLimit = 2 * limits.maxBodyBytes;
    const source = c.req.raw.body?.getReader();
    // The parser reads through this, so that after a refusal the same reader can drain the rest.
    const relay = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = source ? await source.read() : { done: true as const };
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      },
    });
    const refused = async (status: 400 | 413 | 422, message: string) => {
      let drained = 0;
      while (source) {
        const chunk = await source.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) break;
        drained += chunk.value.byteLength;
        if (drained > drainLimit) {
          c.header('Connection', 'close');
          break;
        }
      }
      return refuse(c, status, message);
    };

    const declared = c.req.header('transfer-encoding') === undefined ? Number(c.req.header('content-length') ?? Number.NaN) : Number.NaN;
    if (declared > limits.maxBodyBytes) {
      if (declared > drainLimit) c.header('Connection', 'close');
      return declared > drainLimit ? refuse(c, 413, tooLargeWords(limits)) : refused(413, tooLargeWords(limits));
    }
    const spool = await submission.createUploadSpool();
    try {
      let parts: FormPart[];
      try {
        parts = await readMultipartUpload(relay, c.req.header('content-type')!, spool, limits);
      } catch (error) {
        if (error instanceof TooLargeError) return await refused(413, `${error.message.replace(/^[^:]+: /, '')}. ${limitsInWords(limits)}`);
        if (error instanceof ValidationError) return await refused(422, `${error.message.replace(/^[^:]+: /, '')}.`);
        if (error instanceof HTTPException) return await refused(400, 'The form could not be read: send it again from the page.');
        if (error instanceof DomainError) return await refused(422, error.message);
        throw error;
      }
      (c.req.bodyCache as { formData?: Promise<FormData> }).formData = formDataOf(parts);
      await next();
    } finally {
      await spool.remove();
    }
  });
}

function tooLargeWords(limits: FileLimits): string {
  return `The documents are larger than the limit of ${bytesInWords(limits.maxTotalBytes)} together (submission.maxTotalBytes). ${limitsInWords(limits)}`;
}

function limitsInWords(limits: FileLimits): string {
  return `Each document may be at most ${bytesInWords(limits.maxFileBytes)} (submission.maxFileBytes), all of them together ${bytesInWords(limits.maxTotalBytes)} (submission.maxTotalBytes), at most ${limits.maxFiles} documents.`;
}

async function formDataOf(parts: FormPart[]): Promise<FormData> {
  const form = new FormData();
  for (const part of parts) {
    if ('value' in part) form.append(part.field, part.value);
    // An empty file input still sends a part: no name, no bytes. It is no document.
    else if (part.file.bytes > 0 || !/^file-\d+$/.test(part.file.name)) form.append(part.field, await SpooledFile.of(part.file));
  }
  return form;
}
