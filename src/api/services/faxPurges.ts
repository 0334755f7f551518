import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { decidePurgeRequest, tenantOf, type PurgeState } from '../../domain/fax/purgeDecision.js';
import type { PurgeReason, PurgeRequester } from '../../domain/fax/purgeEvents.js';
import { faxStream } from '../../domain/streams.js';
import type { Clock } from '../../ports/clock.js';
import { WrongExpectedRevisionError, type EventStore } from '../../ports/eventStore.js';

export interface FaxPurgeDeps {
  eventStore: EventStore;
  clock: Clock;
}

/** How often a request that lost a race with a notifier's append is decided again. */
const appendRaces = 5;

/**
 * Asking for a fax's purge: appends FaxPurgeRequested (reason, who) to the fax's stream at the
 * revision it decided on, once the fax's call or sending is over; the purge runner
 * (src/reactors/purgeRunner.ts) does the rest. A fax asked about already appends nothing and
 * answers its state, so a request repeated (or the sweep meeting a fax twice) is harmless.
 */
export function createFaxPurges(deps: FaxPurgeDeps) {
  return {
    /**
     * Answers the fax's purge state after the request: `pending` (asked now or before) or `purged`.
     * `tenantId`: the tenant the caller acts for (a tenant user), whose faxes alone it may purge; unset: any fax.
     */
    async request(faxId: string, reason: PurgeReason, by: PurgeRequester, tenantId?: string): Promise<{ state: Exclude<PurgeState, 'none'>; appended: boolean }> {
      for (let race = 0; ; race++) {
        const history = await deps.eventStore.readStream(faxStream(faxId));
        // Another tenant's fax is not found, as on every fax route.
        if (tenantId !== undefined && history.length > 0 && tenantOf(history) !== tenantId) throw new NotFoundError(`fax ${faxId} not found`);
        const decision = decidePurgeRequest(history, reason, by, deps.clock.now().toISOString());
        if ('already' in decision) return { state: decision.already, appended: false };
        if ('refused' in decision) {
          if (decision.refused === 'not_found') throw new NotFoundError(`fax ${faxId} not found`);
          throw new ConflictError(`fax ${faxId} is still in progress (its call or sending has not ended): ask for its purge once it is over, or cancel it first`);
        }
        try {
          const metadata = { correlationId: faxId, actor: reason === 'request' ? 'api' : 'retention', ...(decision.data.tenantId ? { tenantId: decision.data.tenantId } : {}) };
          await deps.eventStore.append(faxStream(faxId), [{ ...decision, metadata }], history.at(-1)!.revision);
          return { state: 'pending', appended: true };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError) || race >= appendRaces) throw error;
        }
      }
    },
  };
}

export type FaxPurges = ReturnType<typeof createFaxPurges>;
