import { openAsBlob } from 'node:fs';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { closeAfterAnswer } from '../lingeringClose.js';
import type { AuthEnv } from '../auth/principal.js';
import { readMultipartUpload, type FormPart, type SpooledPart } from '../multipartUpload.js';
import { refuseTooLarge } from '../refuseTooLarge.js';
import type { FaxSubmission, SubmissionFile } from '../services/faxSubmission.js';

/** Room for part headers and text fields on top of the files' limit. */
const formAllowance = 1024 * 1024;
/** The routes whose multipart bodies `receiveUploads` (or the console's send form, src/console/sendUpload.ts) reads; every other body is bounded by `http.maxJsonBodyBytes`. */
const uploadPaths = new Set(['/v1/faxes', '/fax/send', '/send']);

const isMultipart = (c: Context) => /^multipart\/form-data\s*(;|$)/i.test(c.req.header('content-type') ?? '');

/** A multipart POST to an upload route: its body is read by `receiveUploads`, to disk, under the submission limits. */
export const isStreamedUpload = (c: Context): boolean => c.req.method === 'POST' && uploadPaths.has(c.req.path) && isMultipart(c);

/** An uploaded file as the route's form sees it (a `File`), read from where it was spooled. */
export class SpooledFile extends File {
  private constructor(
    blob: Blob,
    readonly part: SpooledPart,
  ) {
    super([blob], part.name, { type: blob.type });
  }

  static async of(part: SpooledPart): Promise<SpooledFile> {
    return new SpooledFile(await openAsBlob(part.path, { type: part.contentType }), part);
  }
}

/** What the submission service takes for a form's file: the spooled path as it is (with its size and hash), without reading it into memory. */
export const submissionContentOf = (file: File): SubmissionFile['content'] =>
  file instanceof SpooledFile ? { path: file.part.path, bytes: file.part.bytes, sha256: file.part.sha256 } : file;

/**
 * Reads a multipart upload to a folder of the submission temp dir before the form is validated, and
 * hands the validator the parts (files as disk-backed `File`s); the folder is removed when the request
 * is done. A `Content-Length` beyond the limits is refused before a byte is read, and reading stops
 * at the first limit passed (see readMultipartUpload); such a 413 closes the connection.
 */
export const receiveUploads = (service: FaxSubmission) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    if (!isMultipart(c)) return next();
    const limits = { ...service.fileLimits, maxBodyBytes: service.fileLimits.maxTotalBytes + formAllowance };
    const declared = c.req.header('transfer-encoding') === undefined ? Number(c.req.header('content-length') ?? Number.NaN) : Number.NaN;
    if (declared > limits.maxBodyBytes) {
      return refuseTooLarge(c, { field: 'file', detail: `the request is ${declared} bytes, more than the files' limit of ${limits.maxTotalBytes} bytes (submission.maxTotalBytes) and ${formAllowance} bytes for the form's other parts` });
    }
    const spool = await service.createUploadSpool();
    let parts: FormPart[] = [];
    try {
      try {
        parts = await readMultipartUpload(c.req.raw.body, c.req.header('content-type')!, spool, limits);
      } catch (error) {
        // Reading stopped before the body's end: nothing more of it is read (onError writes the problem).
        closeAfterAnswer(c);
        throw error;
      }
      // Where Hono's form validator (and c.req.formData()) look first: a promise of the body as FormData.
      (c.req.bodyCache as { formData?: Promise<FormData> }).formData = formDataOf(parts);
      await next();
    } finally {
      // Every file begun, also those of a body read only in part.
      await spool.remove();
    }
  });

async function formDataOf(parts: FormPart[]): Promise<FormData> {
  const form = new FormData();
  for (const part of parts) {
    if ('value' in part) form.append(part.field, part.value);
    else form.append(part.field, await SpooledFile.of(part.file));
  }
  return form;
}
