import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { uuidV7 } from '../../src/adapters/eventStore/sqlite/uuidV7.js';
import type { RecordedEvent } from '../../src/ports/eventStore.js';
import type { SeededRandom } from '../support/seededRandom.js';
import type { CapturedHistory, Tenant, TemplateFax } from './captureHistory.js';

/** What one generated fax puts in place of its template's ids, numbers and times. */
interface FaxValues {
  uuids: string[];
  eventIds: string[];
  documents: string[];
  tenant: Tenant;
  remote: string;
  /** The template's submitter when the fax is the user tenant's, else the admin (ids are per tenant). */
  ownSubmitter: boolean;
  shiftMs: number;
}

/** A piece of an event's JSON: text as is, or what a fax puts there. */
type Piece = string | ((values: FaxValues) => string);

interface CompiledEvent {
  type: string;
  revision: number;
  offsetMs: number;
  eventIdSlot: number;
  data: Piece[];
  metadata: Piece[];
}

export interface CompiledTemplate {
  kind: string;
  weight: number;
  uuidCount: number;
  /** Which uuid slot is the fax id. */
  faxIdSlot: number;
  documentCount: number;
  /** When the recorded fax began (its first event's created time). */
  startMs: number;
  events: CompiledEvent[];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Turns a recorded fax stream into a template: every uuid, document id, time, tenant id and phone
 * number (ours and the remote station's, in whichever form the event has it: `+1…`, `1…`, national)
 * becomes a slot a generated fax fills with its own values; the rest of the JSON is kept as text.
 */
export function compileTemplate(template: TemplateFax, history: CapturedHistory): CompiledTemplate {
  const own = history.userTenant.number;
  const token = new RegExp(`(${UUID})|sha256-([0-9a-f]{64})|(\\+1|1)?(${own}|${history.remoteNumbers.join('|')})`, 'g');
  const uuids = new Map<string, number>();
  const documents = new Map<string, number>();
  const eventIds = new Map(template.events.map((event, index) => [event.id, index]));
  const startMs = Date.parse(template.events[0]!.created);
  const faxId = template.events[0]!.stream.slice('fax-'.length);
  uuids.set(faxId, 0);

  const compileString = (text: string): Piece[] => {
    if (ISO_TIME.test(text)) {
      const offset = Date.parse(text) - startMs;
      return [(values) => `"${new Date(startMs + values.shiftMs + offset).toISOString()}"`];
    }
    const pieces: Piece[] = ['"'];
    let last = 0;
    for (const match of text.matchAll(token)) {
      pieces.push(JSON.stringify(text.slice(last, match.index)).slice(1, -1));
      last = match.index + match[0].length;
      const [, uuid, sha, prefix = '', number] = match;
      if (uuid && eventIds.has(uuid)) {
        const slot = eventIds.get(uuid)!;
        pieces.push((values) => values.eventIds[slot]!);
      } else if (uuid) {
        if (!uuids.has(uuid)) uuids.set(uuid, uuids.size);
        const slot = uuids.get(uuid)!;
        pieces.push((values) => values.uuids[slot]!);
      } else if (sha) {
        if (!documents.has(sha)) documents.set(sha, documents.size);
        const slot = documents.get(sha)!;
        pieces.push((values) => `sha256-${values.documents[slot]!}`);
      } else if (number === own) {
        pieces.push((values) => prefix + values.tenant.number);
      } else {
        pieces.push((values) => prefix + values.remote);
      }
    }
    pieces.push(`${JSON.stringify(text.slice(last)).slice(1, -1)}"`);
    return pieces;
  };

  const compileValue = (value: unknown, key: string | undefined, out: Piece[]): void => {
    if (key === 'tenantId' && typeof value === 'string') {
      out.push((values) => `"${values.tenant.id}"`);
    } else if ((key === 'submittedBy' || key === 'by') && value !== null && typeof value === 'object') {
      // A user id and key id belong to one tenant: other tenants' faxes were sent by the admin.
      const ownText = JSON.stringify(value);
      out.push((values) => (values.ownSubmitter ? ownText : '{"kind":"admin"}'));
    } else if (typeof value === 'string') {
      out.push(...compileString(value));
    } else if (Array.isArray(value)) {
      out.push('[');
      value.forEach((item, index) => {
        if (index > 0) out.push(',');
        compileValue(item, undefined, out);
      });
      out.push(']');
    } else if (value !== null && typeof value === 'object') {
      out.push('{');
      Object.entries(value).forEach(([name, item], index) => {
        if (item === undefined) return;
        out.push(`${index > 0 ? ',' : ''}${JSON.stringify(name)}:`);
        compileValue(item, name, out);
      });
      out.push('}');
    } else {
      out.push(JSON.stringify(value));
    }
  };

  const events = template.events.map((event: RecordedEvent, index): CompiledEvent => {
    const data: Piece[] = [];
    const metadata: Piece[] = [];
    compileValue(event.data, undefined, data);
    compileValue(event.metadata, undefined, metadata);
    return { type: event.type, revision: event.revision, offsetMs: Date.parse(event.created) - startMs, eventIdSlot: index, data: merge(data), metadata: merge(metadata) };
  });
  return { kind: template.kind, weight: template.weight, uuidCount: uuids.size, faxIdSlot: 0, documentCount: documents.size, startMs, events };
}

/** Adjacent text pieces joined, so a fax's JSON is built from a few concatenations. */
function merge(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string' && typeof out.at(-1) === 'string') out[out.length - 1] = (out.at(-1) as string) + piece;
    else out.push(piece);
  }
  return out;
}

const render = (pieces: Piece[], values: FaxValues): string => {
  let text = '';
  for (const piece of pieces) text += typeof piece === 'string' ? piece : piece(values);
  return text;
};

export interface GenerateOptions {
  count: number;
  /** The generated faxes start evenly spread (with jitter) between these times. */
  fromMs: number;
  toMs: number;
  random: SeededRandom;
  /** Faxes per transaction. */
  batch?: number;
  onProgress?: (done: number) => void;
}

/**
 * Appends `count` faxes to the events table of `path` (an event store the server made, stopped),
 * as the runtimes would have over the years: one fax's events with consecutive positions, times in
 * order. Tenants get faxes in unequal shares (as real ones do), remote numbers recur. Every
 * reactor checkpoint is then moved to the end: the history is old news, as on a server that ran for
 * years. Answers the id of the newest fax.
 */
export function generateHistory(path: string, history: CapturedHistory, templates: CompiledTemplate[], options: GenerateOptions): string {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // A crash while generating only spoils the bench's own file.
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const random = options.random;
  // Shares of 1 to 10; the user tenant (the first) gets 6, a little more than the average tenant.
  const tenantWeights = history.tenants.map((_, index) => 1 + ((index * 7 + 5) % 10));
  const pickWeighted = <T>(items: readonly T[], weights: readonly number[]): T => {
    let roll = random.next() * weights.reduce((sum, weight) => sum + weight, 0);
    for (let index = 0; index < items.length; index++) {
      roll -= weights[index]!;
      if (roll < 0) return items[index]!;
    }
    return items.at(-1)!;
  };
  const templateWeights = templates.map((template) => template.weight);
  const remotes = Array.from({ length: Math.max(1000, Math.floor(options.count / 20)) }, () => `${random.int(201, 989)}${random.int(200, 999)}${String(random.int(0, 9999)).padStart(4, '0')}`);
  const spacing = (options.toMs - options.fromMs) / options.count;
  const batch = options.batch ?? 10_000;
  let newest = '';

  const writeBatch = db.transaction((from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const template = pickWeighted(templates, templateWeights);
      const tenant = pickWeighted(history.tenants, tenantWeights);
      const startMs = Math.floor(options.fromMs + index * spacing + random.next() * spacing * 0.5);
      const values: FaxValues = {
        uuids: Array.from({ length: template.uuidCount }, () => randomUUID()),
        eventIds: template.events.map((event) => uuidV7(startMs + event.offsetMs)),
        documents: Array.from({ length: template.documentCount }, () => randomBytes(32).toString('hex')),
        tenant,
        remote: remotes[random.int(0, remotes.length - 1)]!,
        ownSubmitter: tenant.id === history.userTenant.id,
        // Times move by whole fax: the offsets inside one stay as the real run recorded them.
        shiftMs: startMs - template.startMs,
      };
      const faxId = values.uuids[template.faxIdSlot]!;
      for (const event of template.events) {
        insert.run(values.eventIds[event.eventIdSlot], `fax-${faxId}`, event.revision, event.type, render(event.data, values), render(event.metadata, values), new Date(startMs + event.offsetMs).toISOString());
      }
      newest = faxId;
    }
  });
  for (let from = 0; from < options.count; from += batch) {
    writeBatch(from, Math.min(options.count, from + batch));
    options.onProgress?.(Math.min(options.count, from + batch));
  }
  const head = db.prepare('SELECT max(position) FROM events').pluck().get() as number;
  db.prepare('UPDATE checkpoints SET position = ?').run(head);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return newest;
}
