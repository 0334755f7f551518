import type { AccessView } from '../../projections/accessProjection.js';

export type { AccessView } from '../../projections/accessProjection.js';

export interface AccessFilter {
  /** Only this fax's reads. */
  faxId?: string;
  /** Only reads of this tenant's faxes (a tenant user's requests always have it). */
  tenantId?: string;
  /** Only this reader: a user id, `admin`, or `link`. */
  reader?: string;
  /** ISO instants, inclusive. */
  since?: string;
  until?: string;
}

export interface AccessPage {
  items: AccessView[];
  nextCursor: string | null;
}

/** The access trail's queries: newest first, keyset pages over indexed rows of the read store. */
export interface AccessReadModel {
  list(filter: AccessFilter, limit: number, cursor?: string): AccessPage;
  /** One entry by id (whether the trail has it). */
  find(entryId: string): AccessView | undefined;
}
