import type { EventData, EventMetadata, EventStore, NewEvent, ReadAllOptions, RecordedEvent, SubscribeOptions } from '../../../ports/eventStore.js';
import { openValues, sealValues, sealedField, sealedGeneration } from './fieldSealing.js';
import { restorePersonalValues, takePersonalValues } from './personalFields.js';
import { isLogicalStationStream, storedStationSubject, type StationPseudonyms } from './stationPseudonyms.js';
import type { SubjectKey, SubjectKeys } from './subjectKeys.js';

/** Events read ahead when a subscription meets a subject whose key is not in memory: one key look-up for the page, not one per fax. */
const READ_AHEAD = 512;

type KeyAnswer = SubjectKey | null | undefined;
type Opened<E extends EventData> = E & { metadata?: EventMetadata };

/**
 * The event store as every reader and writer above the port sees it, with the personal fields of
 * `fax-` and `station-` events sealed under a key of their stream (their subject) in the store
 * (README: Crypto-shredding). On append the personal values move into one sealed field; every read
 * opens them back. Once the subject's key is forgotten they read as empty values and the event's
 * `metadata.personalDataPurged` is true. Events without the sealed field (written before this
 * existed, or holding nothing personal) read as stored.
 *
 * Station streams are named `station-<e164>` above the port and stored under a pseudonym
 * (stationPseudonyms.ts); reads give the number back from the opened events.
 *
 * Cheap on the hot path: a key in memory seals and opens synchronously; pages look up their
 * missing keys in one batch.
 */
export function createPersonalDataEventStore(inner: EventStore, keys: SubjectKeys, stations: StationPseudonyms): EventStore {
  /** Per stream: settles once the last append that had to wait for its key was issued, so appends keep their call order. */
  const waiting = new Map<string, Promise<void>>();

  const sealedOf = (data: unknown): string | undefined => {
    const value = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[sealedField] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  /** The key-store subject of a stored stream with personal data, or undefined for other streams. */
  const subjectOfStored = (stream: string): string | undefined => (stream.startsWith('fax-') ? stream : storedStationSubject(stream));
  /**
   * The subject whose key an event needs to be read: a sealed event's, and a fax event's that holds
   * personal values in clear (written before crypto-shredding: shown empty once its fax is forgotten).
   */
  const subjectToOpen = (event: EventData): string | undefined => {
    if (sealedOf(event.data) !== undefined) return subjectOfStored(event.stream);
    return event.stream.startsWith('fax-') && takePersonalValues(event.type, event.data).values.length > 0 ? event.stream : undefined;
  };

  /**
   * Events opened, by the stored event object: SQLite hands every subscriber the same objects of
   * recent events, so each is decrypted once, not once per subscriber. Valid while its key is the
   * one in memory (a forgotten or reloaded key opens again).
   */
  const openedEvents = new WeakMap<object, { key: SubjectKey; opened: unknown }>();

  function open<E extends EventData & { metadata?: EventMetadata }>(event: E, key: KeyAnswer): Opened<E> {
    const known = openedEvents.get(event);
    if (known && known.key === key) return known.opened as Opened<E>;
    const opened = openUncached(event, key);
    if (key) openedEvents.set(event, { key, opened });
    return opened;
  }

  function openUncached<E extends EventData & { metadata?: EventMetadata }>(event: E, key: KeyAnswer): Opened<E> {
    const sealed = sealedOf(event.data);
    if (sealed === undefined) {
      // Written in clear before crypto-shredding existed: emptied on read once the fax is forgotten (the bytes stay in the store).
      if (key !== null) return event;
      return { ...event, data: takePersonalValues(event.type, event.data).redacted, ...('metadata' in event ? { metadata: { ...event.metadata, personalDataPurged: true } } : {}) };
    }
    const { [sealedField]: _, ...rest } = event.data as Record<string, unknown>;
    const subject = subjectOfStored(event.stream)!;
    if (!key || key.generation !== sealedGeneration(sealed)) {
      return { ...event, data: rest, ...('metadata' in event ? { metadata: { ...event.metadata, personalDataPurged: true } } : {}) };
    }
    const data = restorePersonalValues(rest, openValues(sealed, key, subject));
    // A station's events give its number back: readers know the stream as `station-<e164>`.
    const stream = subject === event.stream || typeof data.station !== 'string' ? event.stream : `station-${data.station}`;
    return { ...event, stream, data };
  }

  /** Opens a page: the keys not in memory are looked up together. */
  async function openPage<E extends EventData & { metadata?: EventMetadata }>(events: E[]): Promise<Array<Opened<E>>> {
    let missing: string[] | undefined;
    const subjects = events.map((event) => {
      if (event.type === 'FaxPurged') keys.evict(event.stream);
      const subject = subjectToOpen(event);
      if (subject !== undefined && keys.cached(subject) === undefined) (missing ??= []).push(subject);
      return subject;
    });
    const found = missing ? await keys.getMany(missing) : undefined;
    return events.map((event, index) => {
      const subject = subjects[index];
      if (subject === undefined) return event;
      return open(event, found?.has(subject) ? found.get(subject) : keys.cached(subject));
    });
  }

  type Prepared = { event: NewEvent; redacted: unknown; values: ReturnType<typeof takePersonalValues>['values'] };
  const prepare = (events: readonly NewEvent[]): Prepared[] => events.map((event) => ({ event, ...takePersonalValues(event.type, event.data) }));

  function seal(subject: string, prepared: readonly Prepared[], key: SubjectKey | null): NewEvent[] {
    return prepared.map(({ event, redacted, values }) => {
      if (values.length === 0) return event;
      // A subject forgotten for good keeps nothing personal that comes after the purge either.
      if (!key) return { ...event, data: redacted, metadata: { ...event.metadata, personalDataPurged: true } };
      return { ...event, data: { ...(redacted as object), [sealedField]: sealValues(values, key, subject) } };
    });
  }

  /** Runs `write` with the subject's key: at once when it is in memory, else after it is loaded or created, in call order per stream. */
  function withKey<T>(stream: string, subject: string, write: (key: SubjectKey | null) => Promise<T>): Promise<T> {
    const before = waiting.get(stream);
    const hit = before ? undefined : keys.cached(subject);
    if (hit !== undefined) return write(hit);
    let issued!: () => void;
    const mine = new Promise<void>((resolve) => (issued = resolve));
    waiting.set(stream, mine);
    void mine.then(() => waiting.get(stream) === mine && waiting.delete(stream));
    return (async () => {
      try {
        await before;
        const key = await keys.getOrCreate(subject);
        return write(key);
      } finally {
        issued();
      }
    })();
  }

  /** A `station-<e164>` stream's stored name, when the station has a key (no key: no stream). */
  async function storedStationStream(stream: string): Promise<string | undefined> {
    const subject = stations.subjectOf(stream);
    const key = keys.cached(subject) ?? (await keys.getMany([subject])).get(subject);
    return key ? stations.storedStream(subject, key.generation) : undefined;
  }

  async function readStation(stream: string, read: (stored: string) => Promise<RecordedEvent[]>): Promise<RecordedEvent[]> {
    const stored = await storedStationStream(stream);
    return stored ? (await openPage(await read(stored))).map((event) => ({ ...event, stream })) : [];
  }

  return {
    ...(inner.appendsInCallOrder ? { appendsInCallOrder: true } : {}),
    ...(inner.leases ? { leases: inner.leases } : {}),
    checkpoints: inner.checkpoints,
    ping: () => inner.ping(),
    close: () => inner.close(),

    append(stream, events, expected) {
      if (isLogicalStationStream(stream)) {
        const subject = stations.subjectOf(stream);
        return withKey(stream, subject, (key) => inner.append(stations.storedStream(subject, key!.generation), seal(subject, prepare(events), key), expected));
      }
      const prepared = stream.startsWith('fax-') ? prepare(events) : undefined;
      if (!prepared?.some((item) => item.values.length > 0)) {
        // Nothing to seal, but after an append of this stream still waiting for its key.
        const before = waiting.get(stream);
        return before ? before.then(() => inner.append(stream, events, expected)) : inner.append(stream, events, expected);
      }
      return withKey(stream, stream, (key) => inner.append(stream, seal(stream, prepared, key), expected));
    },

    async readStream(stream, options) {
      if (isLogicalStationStream(stream)) return readStation(stream, (stored) => inner.readStream(stored, options));
      const events = await inner.readStream(stream, options);
      return subjectOfStored(stream) ? openPage(events) : events;
    },

    async streamRevision(stream) {
      if (!isLogicalStationStream(stream)) return inner.streamRevision(stream);
      const stored = await storedStationStream(stream);
      return stored ? inner.streamRevision(stored) : undefined;
    },

    async readAll(options?: ReadAllOptions) {
      return openPage(await inner.readAll(options));
    },

    ...(inner.readAllData
      ? {
          async readAllData(options?: ReadAllOptions) {
            return openPage(await inner.readAllData!(options));
          },
        }
      : {}),

    subscribeToAll(options: SubscribeOptions) {
      /** The keys read ahead, and up to which position: a subject missing from them there has no key (it was forgotten). */
      let ahead: { upTo: number; found: Map<string, SubjectKey | null> } = { upTo: 0, found: new Map() };
      const handler = options.handler;
      return inner.subscribeToAll({
        ...options,
        handler(event) {
          if (event.type === 'FaxPurged') keys.evict(event.stream);
          const subject = subjectToOpen(event);
          if (subject === undefined) return handler(event);
          const key = keys.cached(subject);
          if (key !== undefined) return handler(open(event, key));
          if (event.position <= ahead.upTo) return handler(open(event, ahead.found.get(subject)));
          return (async () => {
            const page = await inner.readAll({ after: event.position - 1, maxCount: READ_AHEAD, ...(options.streamPrefixes ? { streamPrefixes: options.streamPrefixes } : {}) });
            const subjects = new Set<string>([subject]);
            for (const next of page) {
              const nextSubject = subjectToOpen(next);
              if (nextSubject !== undefined) subjects.add(nextSubject);
            }
            const found = await keys.getMany([...subjects]);
            ahead = { upTo: Math.max(event.position, page.at(-1)?.position ?? 0), found };
            await handler(open(event, found.get(subject)));
          })();
        },
      });
    },
  };
}
