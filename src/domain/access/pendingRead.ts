import { randomBytes } from 'node:crypto';
import type { AccessEntry, AccessRead } from './accessEvents.js';

/** An access entry before it is linked into its trail's chain. */
export type UnlinkedAccessEntry = Omit<AccessEntry, 'seq' | 'prev' | 'hash'>;

/**
 * A read as it is taken on the read's own turn: only what costs nothing to get (a serial, the
 * clock's milliseconds). Its entry, with its id and its ISO time, is made with its batch
 * (`entryOf`): a read pays for one journal line and nothing else.
 */
export interface PendingRead {
  /** The recorder's id base (`newIdBase`): with `serial`, the entry's id. */
  idBase: string;
  serial: number;
  atMs: number;
  read: AccessRead;
}

/** A read under way (`AccessRecorder.begin`): journaled already, in a batch only once it is done. */
export interface ReadUnderWay {
  /** The read succeeded: its entry joins the next batch. */
  done(): void;
  /** The read failed (nothing was served): it leaves no entry, also after a kill. */
  failed(): void;
}

/** 48 bits: the part of an entry id a recorder counts in. */
const serialSpace = 2 ** 48;

/**
 * A random UUID (version 4 bits set) whose last 48 bits a recorder counts up from: ids unique
 * across recorders and restarts (122 random bits each), made by an addition, not a draw of randomness.
 */
export function newIdBase(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes.toString('hex');
}

/** The UUID of a base's `serial`th entry. */
export function entryIdOf(idBase: string, serial: number): string {
  const counted = ((Number.parseInt(idBase.slice(20), 16) + serial) % serialSpace).toString(16).padStart(12, '0');
  return `${idBase.slice(0, 8)}-${idBase.slice(8, 12)}-${idBase.slice(12, 16)}-${idBase.slice(16, 20)}-${counted}`;
}

export function entryOf(pending: PendingRead): UnlinkedAccessEntry {
  return { ...pending.read, entryId: entryIdOf(pending.idBase, pending.serial), at: new Date(pending.atMs).toISOString() };
}
