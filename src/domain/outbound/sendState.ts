import type { SendOutcomeClass } from './outcomeClassification.js';

/** The fax features an attempt may use; `false` means switched off for this and later attempts. */
export interface TransportSettings {
  ecm: boolean;
  /** V.17 (14400 bps); off caps the modem at V.29 9600 bps (`fax_disable_v17`). */
  v17: boolean;
  t38: boolean;
}

export type TransportFeature = keyof TransportSettings;

/** A gateway this fax should not use before `until` (epoch ms). */
export interface GatewayCooling {
  gateway: string;
  until: number;
}

/** Where and how the next attempt goes. */
export interface NextAttempt {
  gateway: string;
  transport: TransportSettings;
  /** Features this decision switched off (empty when nothing changed), for the event's reason. */
  switchedOff: TransportFeature[];
  /** Set when the attempt just finished put its gateway in cooldown. */
  cooling?: GatewayCooling;
}

/**
 * What the retry decision needs to know about one outbound fax, as of the attempt that just
 * finished. The machine keeps it in context and rebuilds it by folding the fax's stream.
 */
export interface SendState {
  /** Attempts made so far, including the one that just finished (≥ 1). */
  attempts: number;
  /** Gateway names in priority order, most preferred first. */
  gateways: readonly string[];
  /** Index in `gateways` of the gateway the finished attempt used. */
  gatewayIndex: number;
  /** Gateway → epoch ms until which this fax skips it. Expired entries may stay. */
  cooldowns: Readonly<Record<string, number>>;
  /** The features the finished attempt was allowed to use. */
  transport: TransportSettings;
  /** Outcome classes of the attempts before the finished one, oldest first. */
  history: readonly SendOutcomeClass[];
}

/** The state of a fax's first attempt: most preferred gateway, transport as the station knowledge says. */
export function firstAttemptState(gateways: readonly string[], transport: TransportSettings): SendState {
  return { attempts: 1, gateways, gatewayIndex: 0, cooldowns: {}, transport, history: [] };
}

/** The state of the attempt a retry decision asked for, given the finished attempt's outcome class. */
export function nextAttemptState(state: SendState, finished: SendOutcomeClass, next: NextAttempt): SendState {
  const index = state.gateways.indexOf(next.gateway);
  return {
    attempts: state.attempts + 1,
    gateways: state.gateways,
    gatewayIndex: index === -1 ? state.gatewayIndex : index,
    cooldowns: next.cooling === undefined ? state.cooldowns : { ...state.cooldowns, [next.cooling.gateway]: next.cooling.until },
    transport: next.transport,
    history: [...state.history, finished],
  };
}
