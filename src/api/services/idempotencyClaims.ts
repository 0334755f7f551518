import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../domain/errors.js';
import {
  decideClaim,
  evolveClaim,
  noClaim,
  type ClaimState,
  type ClaimTimes,
  type IdempotencyEvent,
  type IdempotencyKeyClaimedData,
  type IdempotencyKeyReleasedData,
} from '../../domain/outbound/idempotencyClaim.js';
import { faxStream, idempotencyStream } from '../../domain/streams.js';
import type { Clock } from '../../ports/clock.js';
import { WrongExpectedRevisionError, type EventStore } from '../../ports/eventStore.js';

export interface ClaimRequest {
  tenantId: string;
  key: string;
  fingerprint: string;
  /** The fax this request creates if it gets the key. */
  faxId: string;
}

export interface IdempotencyClaims {
  /**
   * Runs `create` if this request gets the key, else answers the fax the same earlier request made
   * (`replay`), waiting while that request is still being processed. A different request with the
   * key fails with a ConflictError. `create` gets `fence`, to call right before storing the fax: it
   * fails if the claim was meanwhile declared abandoned and taken over.
   */
  run<T>(request: ClaimRequest, create: (fence: () => Promise<void>) => Promise<T>, replay: (faxId: string) => Promise<T>): Promise<T>;
}

export interface IdempotencyClaimsDeps {
  eventStore: EventStore;
  clock: Clock;
  times: ClaimTimes;
  /** How often a request waiting for another process's submission looks again. */
  pollMs?: number;
}

/** `Idempotency-Key` claims kept in the event store, so they hold across restarts and between processes. */
export function createIdempotencyClaims(deps: IdempotencyClaimsDeps): IdempotencyClaims {
  const { eventStore, clock } = deps;
  // Requests in this process that hold a key, so a duplicate waits for the end instead of polling.
  const running = new Map<string, Promise<unknown>>();

  async function readClaim(stream: string): Promise<ClaimState> {
    const events = await eventStore.readStream(stream);
    return events.reduce((state, event) => evolveClaim(state, event as unknown as IdempotencyEvent, event.revision), noClaim);
  }

  const faxStored = async (faxId: string) => (await eventStore.streamRevision(faxStream(faxId))) !== undefined;

  return {
    async run(request, create, replay) {
      const stream = idempotencyStream(createHash('sha256').update(`${request.tenantId}\n${request.key}`).digest('hex'));
      for (;;) {
        const state = await readClaim(stream);
        const stored = state.claim ? await faxStored(state.claim.faxId) : false;
        const decision = decideClaim(state, request.fingerprint, clock.now(), stored, deps.times);
        if (decision.kind === 'replay') return replay(decision.faxId);
        if (decision.kind === 'conflict') {
          throw new ConflictError(`Idempotency-Key "${request.key}" was used for a different request (fax ${decision.faxId}) in the last 24 hours`, { key: request.key });
        }
        if (decision.kind === 'wait') {
          await (running.get(stream) ?? sleep(deps.pollMs ?? 200)).catch(() => undefined);
          continue;
        }
        const claimed: IdempotencyKeyClaimedData = { ...request, claimedAt: clock.now().toISOString() };
        try {
          await eventStore.append(stream, [{ type: 'IdempotencyKeyClaimed', data: claimed, metadata: { tenantId: request.tenantId, correlationId: request.faxId } }], decision.expected);
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) continue; // another request claimed it first: look again
          throw error;
        }
        const fence = async () => {
          if ((await readClaim(stream)).claim?.faxId !== request.faxId) {
            throw new ConflictError(`Idempotency-Key "${request.key}": this request took so long that another one took the key over; look for its fax before retrying`, { key: request.key });
          }
        };
        const work = create(fence);
        running.set(stream, work);
        try {
          return await work;
        } catch (error) {
          // Nothing was stored, so the key names nothing: the same request may try again at once.
          if (!(await faxStored(request.faxId).catch(() => true))) await release(stream, request, error).catch(() => undefined);
          throw error;
        } finally {
          if (running.get(stream) === work) running.delete(stream);
        }
      }
    },
  };

  async function release(stream: string, request: ClaimRequest, error: unknown): Promise<void> {
    const data: IdempotencyKeyReleasedData = { faxId: request.faxId, reason: error instanceof Error ? error.message : String(error), releasedAt: clock.now().toISOString() };
    await eventStore.append(stream, [{ type: 'IdempotencyKeyReleased', data, metadata: { tenantId: request.tenantId, correlationId: request.faxId } }], 'stream_exists');
  }
}
