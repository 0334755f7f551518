import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/canonicalJson.js';
import type { PreparedFields } from './submissionFields.js';
import type { StagedFile } from './submissionFiles.js';

/**
 * What "the same request" means for an `Idempotency-Key`: the sender's normalised fields (so
 * `5551234567` and `+15551234567` are the same) and each document's name and content hash, in order.
 */
export function fingerprintOf(asked: PreparedFields['asked'], files: readonly StagedFile[]): string {
  const documents = files.map(({ name, sha256 }) => ({ name, sha256 }));
  // Keys sorted, so the order a client sent fields in does not matter.
  return createHash('sha256').update(canonicalJson({ ...asked, documents })).digest('hex');
}
