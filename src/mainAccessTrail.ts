import { join } from 'node:path';
import type { Logger } from 'pino';
import { createFileAccessJournal } from './adapters/accessJournal/fileAccessJournal.js';
import { createAccessLog, type AccessLog } from './api/accessLog.js';
import type { Config } from './config/schema.js';
import type { AccessReadModel } from './ports/accessReadModel.js';
import type { Clock } from './ports/clock.js';
import type { EventStore } from './ports/eventStore.js';
import { createAccessRecorder } from './runtime/accessRecorder.js';

/**
 * The access trail's writer and the routes' log (`access` undefined when `records.accessTrail` is
 * off). Each entry is also journaled in `<dataDir>/access-journal` until its batch is stored; the
 * read models must have caught up (they tell which journaled entries the trail already has).
 */
export function createAccessTrail(
  config: Pick<Config, 'records' | 'auth' | 'dataDir'>,
  deps: { eventStore: EventStore; clock: Clock; logger: Logger; trail: AccessReadModel },
): { access: AccessLog | undefined; close(): Promise<void> } {
  if (!config.records.accessTrail) return { access: undefined, close: async () => {} };
  const journal = createFileAccessJournal(join(config.dataDir, 'access-journal'));
  const recorder = createAccessRecorder({ ...deps, journal: { journal, stored: (entryId) => deps.trail.find(entryId) !== undefined } });
  return {
    access: createAccessLog({ record: (read) => recorder.record(read), begin: (read) => recorder.begin(read), trustedProxies: config.auth.trustedProxies }),
    close: () => recorder.close(),
  };
}
