import { describeOutcome, type ClassifiedOutcome, type SendOutcomeClass } from './outcomeClassification.js';
import type { SendPolicy } from './sendPolicy.js';
import type { NextAttempt, SendState, TransportFeature, TransportSettings } from './sendState.js';

interface StationFlag {
  /** Append `StationT38Trouble` to `station-<e164>`: this attempt's failure points at T.38. */
  recordStationT38Trouble: boolean;
}

export interface RetryLater extends NextAttempt, StationFlag {
  kind: 'retryLater';
  /** Absolute epoch ms, so a restored actor re-arms the same deadline. */
  at: number;
}

export interface NextGatewayNow extends NextAttempt, StationFlag {
  kind: 'nextGatewayNow';
}

export interface GiveUp extends StationFlag {
  kind: 'giveUp';
  /** Human text naming the last cause, e.g. `failed after 3 attempts: busy (USER_BUSY)`. */
  reason: string;
  /** The class that ended it (`cancelled` tells a cancel from a failure). */
  outcomeClass: SendOutcomeClass;
}

export type NextStep = { kind: 'done' } | RetryLater | NextGatewayNow | GiveUp;

/**
 * What to do after an attempt of an outbound fax. Pure: the caller passes the time and applies
 * the result with `nextAttemptState`.
 *
 * - sent → done; cancelled, rejected, local file error, no gateway → give up at once;
 * - attempts used up → give up, naming the last cause;
 * - busy / no answer → same gateway after the policy's delay;
 * - gateway failure → cool that gateway, go on with the next free one in priority order now, or,
 *   when every gateway is cooling, retry when the first one comes free;
 * - negotiation / page transfer / unknown → same gateway after the failure delay, degraded by
 *   `nextTransport`.
 */
export function decideNextStep(state: SendState, outcome: ClassifiedOutcome, policy: SendPolicy, now: number): NextStep {
  const { outcomeClass } = outcome;
  if (outcomeClass === 'sent') return { kind: 'done' };
  const recordStationT38Trouble = outcome.t38Trouble;
  const giveUp = (reason: string): GiveUp => ({ kind: 'giveUp', reason, outcomeClass, recordStationT38Trouble });
  const tried = `${state.attempts} attempt${state.attempts === 1 ? '' : 's'}`;

  if (outcomeClass === 'cancelled') return giveUp(`cancelled after ${tried}`);
  if (outcomeClass === 'rejected' || outcomeClass === 'localFileError' || outcomeClass === 'noGateway' || state.attempts >= policy.maxAttempts) {
    return giveUp(`failed after ${tried}: ${describeOutcome(outcome)}`);
  }
  const current = state.gateways[state.gatewayIndex] ?? state.gateways[0];
  if (current === undefined) return giveUp(`failed after ${tried}: ${describeOutcome(outcome)}; no gateway to retry through`);

  const { transport, switchedOff } = nextTransport(state, outcome, policy);
  const sameGatewayAfter = (delayMs: number): RetryLater => ({
    kind: 'retryLater',
    at: Math.max(now + delayMs, state.cooldowns[current] ?? 0),
    gateway: current,
    transport,
    switchedOff,
    recordStationT38Trouble,
  });

  switch (outcomeClass) {
    case 'busy':
      return sameGatewayAfter(policy.busyRetryDelayMs);
    case 'noAnswer':
      return sameGatewayAfter(policy.noAnswerRetryDelayMs);
    case 'gatewayFailure': {
      const cooling = { gateway: current, until: now + policy.gatewayCooldownMs };
      const cooldowns: Record<string, number> = { ...state.cooldowns, [current]: cooling.until };
      const freeAt = (gateway: string) => Math.max(cooldowns[gateway] ?? 0, now);
      // Finish the pass through the lower-priority gateways before starting again from the top,
      // so slow set-up failures cannot make two gateways take turns while a third is never tried.
      const index = state.gateways.indexOf(current);
      const passOrder = [...state.gateways.slice(index + 1), ...state.gateways.slice(0, index + 1)];
      const freeNow = passOrder.find((gateway) => freeAt(gateway) <= now);
      if (freeNow !== undefined) return { kind: 'nextGatewayNow', gateway: freeNow, transport, switchedOff, cooling, recordStationT38Trouble };
      // All cooling: the first to come free, the more preferred on a tie.
      const first = state.gateways.reduce((best, gateway) => (freeAt(gateway) < freeAt(best) ? gateway : best));
      return { kind: 'retryLater', at: freeAt(first), gateway: first, transport, switchedOff, cooling, recordStationT38Trouble };
    }
    default:
      return sameGatewayAfter(policy.failureRetryDelayMs);
  }
}

/**
 * The features the next attempt may use. One change per attempt, so each retry tells us whether
 * that change helped: T.38 trouble switches to audio first; later failures in audio still count
 * toward the V.17 and ECM thresholds. Once off, a feature stays off for the rest of the fax.
 */
export function nextTransport(
  state: SendState,
  outcome: ClassifiedOutcome,
  policy: SendPolicy,
): { transport: TransportSettings; switchedOff: TransportFeature[] } {
  const current = state.transport;
  const off = (feature: TransportFeature) => ({ transport: { ...current, [feature]: false }, switchedOff: [feature] });
  if (outcome.t38Trouble && current.t38) return off('t38');

  const failures = [...state.history, outcome.outcomeClass];
  const reached = (outcomeClass: SendOutcomeClass, threshold: number) =>
    threshold > 0 && failures.filter((earlier) => earlier === outcomeClass).length >= threshold;

  // Training failures are the classic sign of a line that cannot carry 14400 bps.
  if (outcome.outcomeClass === 'negotiationFailure' && current.v17 && reached('negotiationFailure', policy.disableV17AfterAttempts)) {
    return off('v17');
  }
  // Switching ECM off only changes something if ECM was in use on the failed attempt.
  const ecmUsed = outcome.attempt.t30?.ecmUsed !== false;
  if (outcome.outcomeClass === 'pageTransferFailure' && current.ecm && ecmUsed && reached('pageTransferFailure', policy.disableEcmAfterAttempts)) {
    return off('ecm');
  }
  return { transport: current, switchedOff: [] };
}
