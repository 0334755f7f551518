import { accessEventTypes, readerKey, type AccessEntry } from '../src/domain/access/accessEvents.js';
import { put, type DocumentProjection, type DocumentView, type ProjectedEvent } from './documentProjection.js';

export const accessCollections = { entries: 'entries' } as const;

/** An access trail entry as the read model keeps it: the entry, its stream, and the key `?user=` filters on. */
export interface AccessView extends AccessEntry {
  stream: string;
  readerKey: string;
}

/** Access entries by id, from the `access-*` streams: who read which fax (GET /v1/faxes/{id}/access, /v1/access). */
export const accessProjection: DocumentProjection = {
  name: 'access',
  handles: accessEventTypes,
  init: () => [],
  historyCollections: [accessCollections.entries],
  evolve(_view: DocumentView, event: ProjectedEvent) {
    const entry = event.data as AccessEntry;
    return [put(accessCollections.entries, entry.entryId, { ...entry, stream: event.stream, readerKey: readerKey(entry.reader) } satisfies AccessView)];
  },
};
