import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadKeyRing } from '../../src/adapters/crypto/loadKeyRing.js';
import { openValues, sealedField, sealedGeneration } from '../../src/adapters/eventStore/personalData/fieldSealing.js';
import { restorePersonalValues } from '../../src/adapters/eventStore/personalData/personalFields.js';
import { unwrapSubjectKey } from '../../src/adapters/eventStore/personalData/subjectKeys.js';

/**
 * A fax event's data as stored in a server's `events.sqlite` (read directly, synchronously), with
 * its sealed personal values opened from `events.sqlite-keys` and the data dir's key ring — for
 * tests that look at the store behind a running server's back. Forgotten: the empties.
 */
export function openSealedData(dataDir: string, stream: string, data: Record<string, unknown>): Record<string, unknown> {
  const sealed = data[sealedField];
  if (typeof sealed !== 'string') return data;
  const { [sealedField]: _, ...rest } = data;
  const keys = new Database(join(dataDir, 'events.sqlite-keys'), { readonly: true });
  try {
    const row = keys.prepare<[string], { wrapped: Buffer | null }>('SELECT wrapped FROM subject_keys WHERE subject = ?').get(stream);
    if (!row?.wrapped) return rest;
    const key = unwrapSubjectKey(loadKeyRing({}, dataDir), stream, row.wrapped);
    if (key.generation !== sealedGeneration(sealed)) return rest;
    return restorePersonalValues(rest, openValues(sealed, key, stream));
  } finally {
    keys.close();
  }
}
