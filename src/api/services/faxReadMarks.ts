import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { decideReadMark, type FaxReader } from '../../domain/fax/faxReadEvents.js';
import { faxStream } from '../../domain/streams.js';
import type { Clock } from '../../ports/clock.js';
import { WrongExpectedRevisionError, type EventStore } from '../../ports/eventStore.js';

export interface FaxReadMarkDeps {
  eventStore: EventStore;
  clock: Clock;
  /** Resolves once the read models include the event at this position, so the next page shows the mark. */
  settle?: (position: number) => Promise<void>;
}

/** How often a mark that lost a race with a notifier's append is decided again. */
const appendRaces = 5;

/**
 * The read/unread command of received faxes: appends `FaxMarkedRead` or `FaxMarkedUnread` (with who
 * did it) to the fax's stream at the revision it decided on. A notifier appending its outcomes at
 * the same moment makes the append conflict; the mark is then decided again on the new history.
 */
export function createFaxReadMarks(deps: FaxReadMarkDeps) {
  return {
    /** Marks the fax read (`read`) or unread; answers whether an event was appended (false: it already was). */
    async mark(faxId: string, read: boolean, by: FaxReader): Promise<boolean> {
      for (let race = 0; ; race++) {
        const history = await deps.eventStore.readStream(faxStream(faxId));
        const decision = decideReadMark(history, read, by, deps.clock.now().toISOString());
        if (decision === 'unchanged') return false;
        if ('refused' in decision) {
          if (decision.refused === 'not_found') throw new NotFoundError(`fax ${faxId} not found`);
          throw new ConflictError(decision.refused === 'call_in_progress' ? `fax ${faxId} is still being received: mark it once its call is over` : `fax ${faxId} is not a received fax: only received faxes are marked read or unread`);
        }
        try {
          const metadata = { correlationId: faxId, actor: 'console', ...(decision.data.tenantId ? { tenantId: decision.data.tenantId } : {}) };
          const { position } = await deps.eventStore.append(faxStream(faxId), [{ ...decision, metadata }], history.at(-1)!.revision);
          await deps.settle?.(position);
          return true;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError) || race >= appendRaces) throw error;
        }
      }
    },
  };
}

export type FaxReadMarks = ReturnType<typeof createFaxReadMarks>;
