import { describe, expect, it } from 'vitest';
import { decideClaim, evolveClaim, noClaim, type ClaimState, type IdempotencyEvent } from '../../../../src/domain/outbound/idempotencyClaim.js';

const times = { retentionMs: 86_400_000, staleAfterMs: 60_000 };
const at = (iso: string) => new Date(iso);
const claimed = (faxId: string, fingerprint: string, claimedAt: string): IdempotencyEvent => ({
  type: 'IdempotencyKeyClaimed',
  data: { tenantId: '1', key: 'k', fingerprint, faxId, claimedAt },
});
const released = (faxId: string): IdempotencyEvent => ({ type: 'IdempotencyKeyReleased', data: { faxId, reason: 'corrupt', releasedAt: '2025-01-01T00:00:01Z' } });
const given = (...events: IdempotencyEvent[]): ClaimState => events.reduce((state, event, revision) => evolveClaim(state, event, revision), noClaim);

describe('Idempotency-Key claims', () => {
  const t0 = '2025-01-01T00:00:00.000Z';

  it('claims an unused key on a new stream, and a released one after the last event', () => {
    expect(decideClaim(noClaim, 'f', at(t0), false, times)).toEqual({ kind: 'claim', expected: 'no_stream' });
    expect(decideClaim(given(claimed('a', 'f', t0), released('a')), 'g', at(t0), false, times)).toEqual({ kind: 'claim', expected: 1 });
  });

  it('replays the same request, waits while it is in progress, refuses a different one', () => {
    const state = given(claimed('a', 'f', t0));
    expect(decideClaim(state, 'f', at('2025-01-01T00:00:10Z'), true, times)).toEqual({ kind: 'replay', faxId: 'a' });
    expect(decideClaim(state, 'f', at('2025-01-01T00:00:10Z'), false, times)).toEqual({ kind: 'wait', faxId: 'a' });
    expect(decideClaim(state, 'g', at('2025-01-01T00:00:10Z'), true, times)).toEqual({ kind: 'conflict', faxId: 'a' });
    expect(decideClaim(state, 'g', at('2025-01-01T00:00:10Z'), false, times)).toEqual({ kind: 'conflict', faxId: 'a' });
  });

  it('voids a claim whose fax never appeared, and forgets a key after 24 hours', () => {
    const state = given(claimed('a', 'f', t0));
    expect(decideClaim(state, 'g', at('2025-01-01T00:01:00Z'), false, times)).toEqual({ kind: 'claim', expected: 0 });
    expect(decideClaim(state, 'g', at('2025-01-01T23:59:59Z'), true, times)).toEqual({ kind: 'conflict', faxId: 'a' });
    expect(decideClaim(state, 'g', at('2025-01-02T00:00:00Z'), true, times)).toEqual({ kind: 'claim', expected: 0 });
  });

  it("ignores the release of a claim that was already taken over", () => {
    const state = given(claimed('a', 'f', t0), claimed('b', 'f', t0), released('a'));
    expect(state.claim?.faxId).toBe('b');
  });
});
