import type { Logger } from 'pino';
import { createAccessLog, type AccessLog } from './api/accessLog.js';
import type { Config } from './config/schema.js';
import type { Clock } from './ports/clock.js';
import type { EventStore } from './ports/eventStore.js';
import { createAccessRecorder } from './runtime/accessRecorder.js';

/** The access trail's writer and the routes' log (`access` undefined when `records.accessTrail` is off). */
export function createAccessTrail(config: Pick<Config, 'records' | 'auth'>, deps: { eventStore: EventStore; clock: Clock; logger: Logger }): { access: AccessLog | undefined; close(): Promise<void> } {
  if (!config.records.accessTrail) return { access: undefined, close: async () => {} };
  const recorder = createAccessRecorder(deps);
  return {
    access: createAccessLog({ record: (read) => recorder.record(read), trustedProxies: config.auth.trustedProxies }),
    close: () => recorder.close(),
  };
}
