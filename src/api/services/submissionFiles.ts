import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TooLargeError, ValidationError } from '../../domain/errors.js';

/** A document of a submission: uploaded bytes, or a local file (the original's drop directory). */
export interface SubmissionFile {
  /** The sender's name for the file; errors name it. */
  name: string;
  contentType?: string;
  content: Blob | { path: string };
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
 * Checks the documents against the limits and puts uploads on disk in `workDir` (under names of
 * our own: a sender's file name never becomes a path). Local files are only measured and hashed.
 */
export async function stageFiles(files: readonly SubmissionFile[], workDir: string, limits: FileLimits): Promise<StagedFile[]> {
  if (files.length === 0) throw new ValidationError('file', 'at least one document is required');
  if (files.length > limits.maxFiles) throw new ValidationError('file', `${files.length} files; at most ${limits.maxFiles} per fax (submission.maxFiles)`);
  const named = files.map((file, index) => ({ ...file, name: displayName(file.name, index) }));
  const sizes = await Promise.all(named.map((file) => sizeOf(file)));
  named.forEach((file, index) => {
    if (sizes[index]! > limits.maxFileBytes) {
      throw new TooLargeError('file', `${file.name} is ${sizes[index]} bytes; at most ${limits.maxFileBytes} per file (submission.maxFileBytes)`, { fileName: file.name });
    }
  });
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > limits.maxTotalBytes) throw new TooLargeError('file', `the files are ${total} bytes together; at most ${limits.maxTotalBytes} (submission.maxTotalBytes)`);

  return Promise.all(
    named.map(async (file, index) => {
      const contentType = file.contentType || (file.content instanceof Blob ? file.content.type : '') || 'application/octet-stream';
      if (file.content instanceof Blob) {
        const bytes = Buffer.from(await file.content.arrayBuffer());
        const path = join(workDir, `upload-${index}`);
        await writeFile(path, bytes);
        return { name: file.name, contentType, path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
      }
      const { path } = file.content;
      return { name: file.name, contentType, path, bytes: sizes[index]!, sha256: await hashFile(path) };
    }),
  );
}

async function sizeOf(file: SubmissionFile): Promise<number> {
  if (file.content instanceof Blob) return file.content.size;
  return (await stat(file.content.path)).size;
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

/** The last path part, without control characters, at most 200 characters; `file-<n>` when nothing is left. */
function displayName(name: string, index: number): string {
  const clean = basename(name.replaceAll('\\', '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean.length > 0 ? clean : `file-${index + 1}`;
}
