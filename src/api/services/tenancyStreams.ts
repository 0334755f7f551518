import { ConflictError } from '../../domain/errors.js';
import { foldClaim, idSequenceStream, nextSequenceId, type ClaimHolder, type IdKind } from '../../domain/tenancy/claims.js';
import { isTenancyEvent, type TenancyEvent } from '../../domain/tenancy/events.js';
import { foldSystemConfig, type SystemConfigState } from '../../domain/tenancy/systemConfigState.js';
import { evolveTenant, initialTenantState, type TenantState } from '../../domain/tenancy/tenantState.js';
import { systemConfigStream, tenantStream } from '../../domain/streams.js';
import { WrongExpectedRevisionError, type EventStore, type ExpectedRevision } from '../../ports/eventStore.js';

/**
 * Loading and appending the tenancy streams: fold, decide elsewhere, append with the revision the
 * decision was made on. Also the claim and id-sequence streams that make numbers, user names and
 * ids unique across tenants.
 */
export function createTenancyStreams(eventStore: EventStore) {
  async function loadTenant(tenantId: string): Promise<TenantState> {
    const state = initialTenantState(tenantId);
    for (const event of await eventStore.readStream(tenantStream(tenantId))) {
      if (isTenancyEvent(event)) evolveTenant(state, event);
      state.revision = event.revision;
    }
    return state;
  }

  async function loadSystemConfig(): Promise<SystemConfigState> {
    const events = await eventStore.readStream(systemConfigStream);
    const state = foldSystemConfig(events.filter((event): event is typeof event & TenancyEvent => isTenancyEvent(event)));
    return { ...state, revision: events.at(-1)?.revision ?? 'no_stream' };
  }

  /** Appends and answers the global position of the last event (0 when there was nothing to append). */
  async function append(stream: string, events: readonly TenancyEvent[], expected: ExpectedRevision): Promise<number> {
    if (events.length === 0) return 0;
    const result = await eventStore.append(stream, events, expected);
    return result.position;
  }

  async function loadClaim(stream: string) {
    return foldClaim(await eventStore.readStream(stream));
  }

  /**
   * Takes the claim for `holder`. A claim held by someone else is a conflict unless `isHeld` finds
   * the holder no longer has the thing (a crash between claiming and assigning leaves such claims).
   */
  async function claim(stream: string, key: string, holder: ClaimHolder, at: string, isHeld: (current: ClaimHolder) => Promise<boolean>): Promise<void> {
    const state = await loadClaim(stream);
    if (state.holder && !(state.holder.tenantId === holder.tenantId && state.holder.ownerId === holder.ownerId) && (await isHeld(state.holder))) {
      throw new ConflictError(`${key} is already taken`, { key });
    }
    await eventStore.append(stream, [{ type: 'ClaimGranted', data: { key, at, ...holder } }], state.revision);
  }

  async function release(stream: string, key: string, holder: ClaimHolder, at: string): Promise<void> {
    const state = await loadClaim(stream);
    if (state.holder?.tenantId !== holder.tenantId || state.holder.ownerId !== holder.ownerId) return;
    await eventStore.append(stream, [{ type: 'ClaimReleased', data: { key, at, ...holder } }], state.revision);
  }

  /** Ids are 1, 2, 3, … per kind; a concurrent allocator in another process makes us try again. */
  async function allocateId(kind: IdKind): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const revision = await eventStore.streamRevision(idSequenceStream(kind));
      const id = nextSequenceId(revision);
      try {
        await eventStore.append(idSequenceStream(kind), [{ type: 'IdAllocated', data: { kind, id } }], revision ?? 'no_stream');
        return id;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= 5) throw error;
      }
    }
  }

  return { loadTenant, loadSystemConfig, append, claim, release, allocateId };
}

export type TenancyStreams = ReturnType<typeof createTenancyStreams>;
