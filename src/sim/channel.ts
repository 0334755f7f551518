import { nowMicros } from './eventFactory.js';
import type { Station } from './scenario.js';

export type CallState = 'DOWN' | 'DIALING' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HELD' | 'RING_WAIT' | 'HANGUP' | 'UNHELD';
export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup';

/** `switch_channel_state_t` numbers; `Channel-State-Number` shows the requested one (reference §2.2). */
export const STATE_NUMBERS = {
  CS_NEW: 0, CS_INIT: 1, CS_ROUTING: 2, CS_SOFT_EXECUTE: 3, CS_EXECUTE: 4, CS_EXCHANGE_MEDIA: 5,
  CS_PARK: 6, CS_CONSUME_MEDIA: 7, CS_HIBERNATE: 8, CS_RESET: 9, CS_HANGUP: 10, CS_REPORTING: 11,
  CS_DESTROY: 12,
} as const;
export type ChannelStateName = keyof typeof STATE_NUMBERS;

export const CALL_STATE_NUMBERS: Record<CallState, number> = {
  DOWN: 0, DIALING: 1, RINGING: 2, EARLY: 3, ACTIVE: 4, HELD: 5, RING_WAIT: 6, HANGUP: 7, UNHELD: 8,
};

export interface Codec {
  name: string;
  rate: number;
  bitRate: number;
}

/** The caller profile fields FreeSWITCH prints with a `Caller-`/`Channel-` prefix. */
export interface CallerProfile {
  username: string;
  dialplan: string;
  callerIdName: string;
  callerIdNumber: string;
  /** Set once the caller id changed (an originated leg flips caller and callee when it runs its app). */
  origCallerIdName?: string;
  origCallerIdNumber?: string;
  calleeIdName: string;
  calleeIdNumber: string;
  networkAddr: string;
  ani: string;
  destinationNumber: string;
  source: string;
  context: string;
  rdnis: string;
}

/** Microsecond times of the caller profile; 0 when unset. */
export interface ChannelTimes {
  profileCreated: number;
  created: number;
  answered: number;
  progress: number;
  progressMedia: number;
  hangup: number;
  bridged: number;
}

/** Who holds the channel (an outbound socket): it is told of the hangup and delays CHANNEL_DESTROY. */
export interface ChannelController {
  channelHungUp(channel: Channel): void;
  /** Resolves once the controller let go of the channel (the socket closed). */
  readonly released: Promise<void>;
}

/**
 * One simulated call leg: states, caller profile and channel variables in insertion order
 * (re-setting moves a variable to the end, setting "" deletes it — reference §2.2, §1.3).
 */
export class Channel {
  runningState: ChannelStateName = 'CS_NEW';
  stateNumber: number = STATE_NUMBERS.CS_NEW;
  callState: CallState = 'DOWN';
  answerState: AnswerState = 'ringing';
  hangupCause: string | undefined;
  readCodec: Codec | undefined;
  writeCodec: Codec | undefined;
  readonly variables = new Map<string, string>();
  readonly times: ChannelTimes;
  /** A-leg uuid for B-legs (`Channel-Call-UUID`). */
  callUuid: string | undefined;
  controller: ChannelController | undefined;
  parked = false;
  /** The running `socket` dialplan app of an inbound call, completed when its socket lets go. */
  socketApp: { appUuid: string; data: string } | undefined;
  hitDialplan: boolean;
  readonly hungUp: Promise<string>;
  /** Resolves after CHANNEL_DESTROY. */
  readonly destroyed: Promise<void>;
  private resolveHungUp!: (cause: string) => void;
  private resolveDestroyed!: () => void;

  constructor(
    readonly uuid: string,
    public name: string,
    readonly direction: 'inbound' | 'outbound',
    readonly profile: CallerProfile,
    readonly station: Station,
  ) {
    const now = nowMicros();
    this.times = { profileCreated: now, created: now, answered: 0, progress: 0, progressMedia: 0, hangup: 0, bridged: 0 };
    this.hitDialplan = direction === 'inbound';
    this.hungUp = new Promise((resolve) => (this.resolveHungUp = resolve));
    this.destroyed = new Promise((resolve) => (this.resolveDestroyed = resolve));
  }

  get isAnswered(): boolean {
    return this.times.answered !== 0;
  }

  get isHungUp(): boolean {
    return this.hangupCause !== undefined;
  }

  getVar(name: string): string | undefined {
    return this.variables.get(name);
  }

  setVar(name: string, value: string | number | boolean | undefined): void {
    this.variables.delete(name);
    if (value === undefined || value === '') return;
    this.variables.set(name, String(value));
  }

  isTrue(name: string): boolean {
    const value = this.variables.get(name)?.toLowerCase();
    return value === 'true' || value === '1' || value === 'yes' || value === 'on' || value === 'enabled';
  }

  /** Expands `${var}` in an application argument (reference §1.8). */
  expand(text: string): string {
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => this.variables.get(name) ?? '');
  }

  markHungUp(cause: string): void {
    this.hangupCause = cause;
    this.answerState = 'hangup';
    this.times.hangup = nowMicros();
    this.resolveHungUp(cause);
  }

  markDestroyed(): void {
    this.resolveDestroyed();
  }
}
