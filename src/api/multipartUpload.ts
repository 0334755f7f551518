import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { HTTPException } from 'hono/http-exception';
import { TooLargeError } from '../domain/errors.js';
import type { SpoolFiles } from './services/spoolFiles.js';
import { displayName, fileTooLarge, filesTooLarge, tooManyFiles, type FileLimits } from './services/submissionFiles.js';

/** A file part, spooled to disk under a name of our own, measured and hashed on its way there. */
export interface SpooledPart {
  name: string;
  contentType: string;
  path: string;
  bytes: number;
  /** Hex SHA-256 of the bytes written (what an `Idempotency-Key` compares), set once the file is complete. */
  sha256: string;
}

/** The form's parts in the order they came: text fields, and files on disk. */
export type FormPart = { field: string; value: string } | { field: string; file: SpooledPart };

export interface UploadLimits extends FileLimits {
  /** The whole body: the files' limit plus room for part headers and text fields. */
  maxBodyBytes: number;
}

/** One text field's most; the original's longest field is a short JSON policy. */
const maxFieldBytes = 64 * 1024;
const maxFields = 1000;

/**
 * Reads a multipart/form-data body part by part, each file straight to a file in `dir`, with the
 * body's own backpressure: memory holds a chunk or two whatever is sent. Reading stops at once, the
 * rest of the body unread, when a file passes `maxFileBytes` or the files together pass
 * `maxTotalBytes` (413 naming the file), the body passes `maxBodyBytes` (413), or a file part past
 * `maxFiles` starts (422). A body that is not multipart is a 400, as Hono's own form parser answers.
 */
export async function readMultipartUpload(body: ReadableStream<Uint8Array> | null, contentType: string, spool: Pick<SpoolFiles, 'path'>, limits: UploadLimits): Promise<FormPart[]> {
  let stop!: (error: unknown) => void;
  const failure = new Promise<never>((_, reject) => {
    let stopped = false;
    stop = (error) => {
      if (stopped) return;
      stopped = true;
      reject(error);
    };
  });
  failure.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled

  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { 'content-type': contentType },
      // Names are cleaned by displayName, as stageFiles cleans them; a part is a file when it has a file name, as in FormData.
      preservePath: true,
      isPartAFile: (_field, _type, fileName) => fileName !== undefined,
      limits: { fileSize: limits.maxFileBytes, fieldSize: maxFieldBytes, fields: maxFields },
    });
  } catch (error) {
    throw malformed(error);
  }

  const parts: FormPart[] = [];
  // Every stream of every file's pipeline: destroying the part alone does not always settle its pipeline.
  const pipes: Array<Readable | Writable> = [];
  const writes: Promise<void>[] = [];
  let fileCount = 0;
  let totalBytes = 0;
  parser.on('file', (field, stream, fileName, _encoding, mimeType) => {
    const index = fileCount++;
    pipes.push(stream);
    if (index >= limits.maxFiles) return stop(tooManyFiles(`more than ${limits.maxFiles} files`, limits));
    const file: SpooledPart = { name: displayName(fileName, index), contentType: mimeType, path: spool.path(`upload-${index}`), bytes: 0, sha256: '' };
    parts.push({ field, file });
    stream.on('limit', () => stop(fileTooLarge(file.name, `more than ${limits.maxFileBytes} bytes`, limits)));
    // Hashed as it passes: reading the file back to hash it cost more file-system calls than writing it.
    const hash = createHash('sha256');
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        file.bytes += chunk.length;
        totalBytes += chunk.length;
        if (totalBytes > limits.maxTotalBytes) stop(filesTooLarge(`more than ${limits.maxTotalBytes} bytes`, limits));
        hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        file.sha256 = hash.digest('hex');
        done();
      },
    });
    const out = createWriteStream(file.path);
    pipes.push(counting, out);
    writes.push(pipeline(stream, counting, out).catch(stop));
  });
  parser.on('field', (field, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated) return stop(new TooLargeError(field, `more than ${maxFieldBytes} bytes; a form field may have at most that`));
    parts.push({ field, value });
  });
  parser.on('fieldsLimit', () => stop(new TooLargeError('body', `more than ${maxFields} form fields`)));
  parser.on('error', (error) => stop(malformed(error)));
  const parsed = once(parser, 'finish');
  parsed.catch(() => undefined); // a parse error reaches `failure` through the 'error' listener

  try {
    const reader = body?.getReader();
    let received = 0;
    for (;;) {
      const chunk = reader ? await Promise.race([reader.read().catch(unreadable), failure]) : { done: true as const };
      if (chunk.done) break;
      received += chunk.value.byteLength;
      if (received > limits.maxBodyBytes) throw bodyTooLarge(limits);
      if (!parser.write(chunk.value)) await Promise.race([once(parser, 'drain'), failure]);
    }
    parser.end();
    await Promise.race([parsed, failure]);
    await Promise.race([Promise.all(writes), failure]);
    return parts;
  } catch (error) {
    // The reader is left as it is: cancelling it would reset the connection before the 413 is written.
    for (const stream of pipes) stream.destroy();
    parser.destroy();
    await Promise.allSettled(writes); // every file closed before the caller removes them
    throw error;
  }
}

function bodyTooLarge(limits: UploadLimits): TooLargeError {
  return new TooLargeError('file', `the request is larger than the files' limit of ${limits.maxTotalBytes} bytes (submission.maxTotalBytes) and ${limits.maxBodyBytes - limits.maxTotalBytes} bytes for the form's other parts`);
}

/** The client went away mid-body, most likely: its problem, not a server error to log. */
function unreadable(error: unknown): never {
  throw new HTTPException(400, { message: `the request body could not be read to its end: ${error instanceof Error ? error.message : String(error)}` });
}

function malformed(error: unknown): HTTPException {
  return new HTTPException(400, { message: `Malformed FormData request. ${error instanceof Error ? error.message : String(error)}` });
}
