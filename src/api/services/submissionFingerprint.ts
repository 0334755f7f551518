import { createHash } from 'node:crypto';
import type { PreparedFields } from './submissionFields.js';
import type { StagedFile } from './submissionFiles.js';

/**
 * What "the same request" means for an `Idempotency-Key`: the sender's normalised fields (so
 * `5551234567` and `+15551234567` are the same) and each document's name and content hash, in order.
 */
export function fingerprintOf(asked: PreparedFields['asked'], files: readonly StagedFile[]): string {
  const documents = files.map(({ name, sha256 }) => ({ name, sha256 }));
  return createHash('sha256').update(canonicalJson({ ...asked, documents })).digest('hex');
}

/** JSON with object keys sorted, so the order a client sent fields in does not matter. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
