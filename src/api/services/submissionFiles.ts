import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { TooLargeError, ValidationError } from '../../domain/errors.js';

/** A document of a submission: uploaded bytes, or a local file (the original's drop directory). */
export interface SubmissionFile {
  /** The sender's name for the file; errors name it. */
  name: string;
  contentType?: string;
  /**
   * Bytes in memory, or a file on the local disk: the original's drop directory, or an upload
   * already spooled there (with its size and hash, measured as it was written).
   */
  content: Blob | { path: string; bytes?: number; sha256?: string };
}

/** A document on the local disk, measured and hashed. */
export interface StagedFile {
  name: string;
  contentType: string;
  path: string;
  bytes: number;
  sha256: string;
}

export interface FileLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/**
 * Checks the documents against the limits and puts uploads on disk at `stagedPath(index)` (names of
 * our own: a sender's file name never becomes a path). Local files are only measured and hashed.
 */
export async function stageFiles(files: readonly SubmissionFile[], stagedPath: (index: number) => string, limits: FileLimits): Promise<StagedFile[]> {
  if (files.length === 0) throw new ValidationError('file', 'at least one document is required');
  if (files.length > limits.maxFiles) throw tooManyFiles(`${files.length} files`, limits);
  const named = files.map((file, index) => ({ ...file, name: displayName(file.name, index) }));
  const sizes = await Promise.all(named.map((file) => sizeOf(file)));
  named.forEach((file, index) => {
    if (sizes[index]! > limits.maxFileBytes) throw fileTooLarge(file.name, `${sizes[index]} bytes`, limits);
  });
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > limits.maxTotalBytes) throw filesTooLarge(`${total} bytes`, limits);

  return Promise.all(
    named.map(async (file, index) => {
      const contentType = file.contentType || (file.content instanceof Blob ? file.content.type : '') || 'application/octet-stream';
      if (file.content instanceof Blob) {
        const path = stagedPath(index);
        return { name: file.name, contentType, path, bytes: sizes[index]!, sha256: await writeHashed(file.content, path) };
      }
      const { path, sha256 } = file.content;
      return { name: file.name, contentType, path, bytes: sizes[index]!, sha256: sha256 ?? (await hashFile(path)) };
    }),
  );
}

async function sizeOf(file: SubmissionFile): Promise<number> {
  if (file.content instanceof Blob) return file.content.size;
  return file.content.bytes ?? (await stat(file.content.path)).size;
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Streams a Blob to `path` (never whole in memory) and answers its SHA-256. */
async function writeHashed(blob: Blob, path: string): Promise<string> {
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(blob.stream() as WebReadableStream<Uint8Array>), hashing, createWriteStream(path));
  return hash.digest('hex');
}

/** 422: more files than `submission.maxFiles`; `count` says how many ("4 files", "more than 20 files"). */
export function tooManyFiles(count: string, limits: FileLimits): ValidationError {
  return new ValidationError('file', `${count}; at most ${limits.maxFiles} per fax (submission.maxFiles)`);
}

/** 413 naming the file; `size` is what is known of it ("450000 bytes", "more than 20971520 bytes"). */
export function fileTooLarge(name: string, size: string, limits: FileLimits): TooLargeError {
  return new TooLargeError('file', `${name} is ${size}; at most ${limits.maxFileBytes} per file (submission.maxFileBytes)`, { fileName: name });
}

/** 413: the files together are over `submission.maxTotalBytes`. */
export function filesTooLarge(size: string, limits: FileLimits): TooLargeError {
  return new TooLargeError('file', `the files are ${size} together; at most ${limits.maxTotalBytes} (submission.maxTotalBytes)`);
}

/** The last path part, without control characters, at most 200 characters; `file-<n>` when nothing is left. */
export function displayName(name: string, index: number): string {
  const clean = basename(name.replaceAll('\\', '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean.length > 0 ? clean : `file-${index + 1}`;
}
