/**
 * One collection's documents stored as chunks: rows of a few hundred documents, each one flat JSON
 * array `[key, doc, key, doc, …]`. Loading is then a few hundred large JSON.parse calls instead of a
 * statement step and a parse per document, and a catch-up batch writes a handful of rows.
 *
 * New keys go to the last chunk until it holds about `chunkTargetChars` of JSON; a key then stays in
 * its chunk for life, so changing a document rewrites only that chunk. The size bounds what a live
 * write of one document costs (re-encoding its chunk) while keeping loads to few, large parses.
 */
export const chunkTargetChars = 64 * 1024;
/** Until a flushed chunk tells the collection's real document size. */
export const defaultDocsPerChunk = 256;
/** A key's slot is `chunk * slotsPerChunk + position`: one number per key in the index. */
const slotsPerChunk = 2 ** 20;

/** A chunk to save (`text`) or to delete (`text: null`: it lost its last document). */
export interface ChunkRow {
  chunk: number;
  text: string | null;
}

interface Chunk {
  count: number;
  /** Its keys as loaded, until the collection's key index is built by a first write. */
  keys?: string[];
  /** The decoded `[key, doc, …]` array, only while the chunk is being written. */
  pairs?: unknown[];
}

export interface ChunkedCollection {
  /** Records a stored chunk: its text's length and its keys in stored order (when loading). */
  addStored(chunk: number, chars: number, keys: string[]): void;
  /** Sets (`doc` not null) or deletes a document; persisted by the next `flush`. */
  write(key: string, doc: unknown): void;
  /** The chunks the writes since the last flush changed, encoded. */
  flush(): ChunkRow[];
}

/** `readChunk` answers a stored chunk's text: the first write to a chunk since loading needs its other documents. */
export function createChunkedCollection(readChunk: (chunk: number) => string): ChunkedCollection {
  const chunks = new Map<number, Chunk>();
  const dirty = new Set<number>();
  // Built on the first write, not at load: start-up needs the documents, not where each one lives.
  let slots: Map<string, number> | undefined;
  let last = -1;
  let docsPerChunk = defaultDocsPerChunk;

  function index(): Map<string, number> {
    if (slots) return slots;
    slots = new Map();
    for (const [id, chunk] of chunks) {
      chunk.keys!.forEach((key, position) => slots!.set(key, id * slotsPerChunk + position));
      delete chunk.keys;
    }
    return slots;
  }

  function pairsOf(id: number, chunk: Chunk): unknown[] {
    return (chunk.pairs ??= decodeChunk(readChunk(id)));
  }

  function openChunk(): number {
    const open = chunks.get(last);
    if (open && open.count < docsPerChunk) return last;
    chunks.set(++last, { count: 0, pairs: [] });
    return last;
  }

  function measure(count: number, chars: number): void {
    docsPerChunk = docsPerChunkFor(count, chars);
  }

  return {
    addStored(chunk, chars, keys) {
      chunks.set(chunk, { count: keys.length, keys });
      if (chunk > last) {
        last = chunk;
        measure(keys.length, chars);
      }
    },
    write(key, doc) {
      const keySlots = index();
      const slot = keySlots.get(key);
      if (slot === undefined) {
        if (doc === null) return;
        const id = openChunk();
        const chunk = chunks.get(id)!;
        const pairs = pairsOf(id, chunk);
        keySlots.set(key, id * slotsPerChunk + pairs.length / 2);
        pairs.push(key, doc);
        chunk.count++;
        dirty.add(id);
        return;
      }
      const id = Math.floor(slot / slotsPerChunk);
      const chunk = chunks.get(id)!;
      const pairs = pairsOf(id, chunk);
      const at = (slot % slotsPerChunk) * 2;
      if (doc !== null) pairs[at + 1] = doc;
      else {
        pairs.splice(at, 2);
        keySlots.delete(key);
        // The documents after it moved up one position.
        for (let next = at; next < pairs.length; next += 2) keySlots.set(pairs[next] as string, id * slotsPerChunk + next / 2);
        chunk.count--;
      }
      dirty.add(id);
    },
    flush() {
      const rows: ChunkRow[] = [];
      for (const id of dirty) {
        const chunk = chunks.get(id)!;
        if (chunk.count === 0) {
          rows.push({ chunk: id, text: null });
          chunks.delete(id);
          continue;
        }
        const text = JSON.stringify(chunk.pairs);
        rows.push({ chunk: id, text });
        if (id === last) measure(chunk.count, text.length);
        // Only the open chunk keeps its documents (new keys keep arriving there); others are re-read on their next write.
        else delete chunk.pairs;
      }
      dirty.clear();
      return rows;
    },
  };
}

/** How many documents fill a chunk, judging by one that held `count` of them in `chars` of JSON. */
export function docsPerChunkFor(count: number, chars: number): number {
  return Math.max(1, Math.min(slotsPerChunk, Math.round((chunkTargetChars * count) / chars)));
}

/** The flat `[key, doc, key, doc, …]` array of a stored chunk. */
export function decodeChunk(text: string): unknown[] {
  return JSON.parse(text) as unknown[];
}
