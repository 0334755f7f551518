import type { FaxStatus, FaxView } from '../domain/fax/faxView.js';

export interface FaxFilter {
  /** Only this tenant's faxes (always set for tenant users). */
  tenantId?: string;
  direction?: 'inbound' | 'outbound';
  status?: FaxStatus;
  /** Matches the calling or the dialled number, read the way the read model stores numbers (E.164 when it can). */
  number?: string;
  /** Only received faxes no one has marked read (the inbox's bold rows). */
  unread?: boolean;
  /**
   * Case-insensitive substring of the remote station ident or the caller ID name, at least
   * `minTextSearch` characters (the index is of trigrams: a shorter text would read every fax).
   */
  text?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
}

/** The shortest `FaxFilter.text` the read model searches. */
export const minTextSearch = 3;

export interface FaxPage {
  items: FaxView[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

/**
 * The fax read model's queries. The faxes grow with history, so they live in the read store as
 * indexed rows: each query reads what it answers (one page, one fax), never every fax.
 */
export interface FaxReadModel {
  find(faxId: string): FaxView | undefined;
  /** The original identified faxes by call UUID (an outbound fax's latest attempt). */
  findByCallUuid(callUuid: string): FaxView | undefined;
  /** Newest first, `limit` items. The cursor is the last item's `createdAt|faxId`, so pages stay stable while faxes arrive. */
  list(filter: FaxFilter, limit: number, cursor?: string): FaxPage;
  /**
   * How many received faxes are unread (of one tenant, or all), counted up to `cap`: an answer of
   * `cap` means "at least", so the count costs no more than `cap` index entries however many there are.
   */
  unreadCount(tenantId: string | undefined, cap: number): number;
  /** Outbound faxes not yet sent, failed or cancelled: the send queue to restore after a restart. */
  unfinishedOutbound(): string[];
  /** Inbound faxes whose call has not ended: what a restart reconciles with FreeSWITCH. */
  openInbound(): FaxView[];
}
