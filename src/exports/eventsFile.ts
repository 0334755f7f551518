import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../ports/eventStore.js';
import type { ManifestFile } from './exportManifest.js';

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

/**
 * A fax's `events.json`: a JSON array with one event per line, so each line can be hashed on its
 * own (the manifest keeps those hashes and a verifier names the event that differs).
 */
export function eventsFile(events: readonly RecordedEvent[]): { bytes: Buffer; lines: NonNullable<ManifestFile['events']> } {
  const lines = events.map((event) => {
    const text = JSON.stringify({
      id: event.id,
      stream: event.stream,
      type: event.type,
      revision: event.revision,
      position: event.position,
      created: event.created,
      data: event.data,
      metadata: event.metadata,
    });
    return { text, revision: event.revision, id: event.id, type: event.type };
  });
  const body = lines.length === 0 ? '[\n]\n' : `[\n${lines.map((line) => line.text).join(',\n')}\n]\n`;
  return { bytes: Buffer.from(body, 'utf8'), lines: lines.map(({ text, revision, id, type }) => ({ revision, id, type, sha256: sha256(text) })) };
}

/** The event lines of an `events.json` as `eventsFile` wrote them (undefined when it is not in that shape). */
export function eventLines(bytes: Buffer): string[] | undefined {
  const text = bytes.toString('utf8');
  if (!text.startsWith('[\n') || !text.endsWith('\n]\n')) return undefined;
  const inner = text.slice(2, -3);
  return inner === '' ? [] : inner.split(',\n');
}

export const sha256Hex = sha256;
