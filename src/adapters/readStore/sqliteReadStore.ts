import { renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { startBackgroundCheckpointer } from '../sqlite/backgroundCheckpointer.js';
import type { ProjectionCommit, ReadStore, ReadStoreDump, StoredDocument } from '../../ports/readStore.js';
import { createChunkedCollection, decodeChunk, defaultDocsPerChunk, docsPerChunkFor, type ChunkedCollection } from './chunkedCollection.js';

/**
 * Bumped when the layout changes. A file of another layout is emptied on open: the read store is
 * rebuildable, so the runner simply replays the event store into the new layout.
 */
const layout = 2;

const schema = `
DROP TABLE IF EXISTS documents;
DROP TABLE IF EXISTS chunks;
DROP TABLE IF EXISTS checkpoints;
CREATE TABLE chunks (
  projection TEXT NOT NULL,
  collection TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  docs TEXT NOT NULL,
  PRIMARY KEY (projection, collection, chunk)
);
CREATE TABLE checkpoints (
  projection TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
PRAGMA user_version = ${layout};
`;

type ChunkRowOf = [collection: string, chunk: number, docs: string];

/**
 * The embedded read store: one SQLite file (`<dataDir>/readmodels.sqlite`). Each collection is kept
 * as chunked JSON rows (see chunkedCollection.ts); a commit rewrites the chunks its writes touch and
 * moves the checkpoints in the same transaction.
 */
export function createSqliteReadStore(options: { path: string; /** A new file no one reads until it is complete: see readStoreRebuild.ts. */ building?: boolean }): ReadStore {
  const db = new Database(options.path);
  if (options.building) {
    // Pages are written once, not to the WAL and again by a checkpoint; the rollback journal of
    // the few rewritten pages stays in memory.
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
  } else {
    db.pragma('journal_mode = WAL');
    // Safe only because the read store is rebuildable from the event store: a power cut may lose the
    // last commits, never tear one (documents and checkpoint still commit atomically), and replaying them is idempotent.
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('cache_size = -65536');
  // Live commits rewrite chunks of tens of KB; checkpoints run beside the event loop, not in commits.
  const checkpointer = options.building ? undefined : startBackgroundCheckpointer(db, options.path);
  if (db.pragma('user_version', { simple: true }) !== layout) db.transaction(() => db.exec(schema)).immediate();

  const selectCheckpoint = db.prepare<[string], number>('SELECT position FROM checkpoints WHERE projection = ?').pluck();
  const selectChunks = db.prepare<[string], ChunkRowOf>('SELECT collection, chunk, docs FROM chunks WHERE projection = ?').raw();
  const selectChunk = db.prepare<[string, string, number], string>('SELECT docs FROM chunks WHERE projection = ? AND collection = ? AND chunk = ?').pluck();
  const saveChunk = db.prepare('INSERT INTO chunks (projection, collection, chunk, docs) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET docs = excluded.docs');
  const deleteChunk = db.prepare('DELETE FROM chunks WHERE projection = ? AND collection = ? AND chunk = ?');
  const saveCheckpoint = db.prepare('INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT DO UPDATE SET position = excluded.position');

  /** projection → collection → where its documents are stored; built by `load`, kept current by commits. */
  const layouts = new Map<string, Map<string, ChunkedCollection>>();

  function collectionIn(collections: Map<string, ChunkedCollection>, projection: string, collection: string): ChunkedCollection {
    let chunked = collections.get(collection);
    if (!chunked) collections.set(collection, (chunked = createChunkedCollection((chunk) => selectChunk.get(projection, collection, chunk)!)));
    return chunked;
  }

  function loadProjection(projection: string): StoredDocument[] {
    const collections = new Map<string, ChunkedCollection>();
    const documents: StoredDocument[] = [];
    // One statement and one JSON.parse per chunk: start-up reads every document once.
    for (const [collection, chunk, docs] of selectChunks.all(projection)) {
      const pairs = decodeChunk(docs);
      const keys: string[] = [];
      for (let index = 0; index < pairs.length; index += 2) {
        const key = pairs[index] as string;
        keys.push(key);
        documents.push({ collection, key, doc: pairs[index + 1] });
      }
      collectionIn(collections, projection, collection).addStored(chunk, docs.length, keys);
    }
    layouts.set(projection, collections);
    return documents;
  }

  const commitAll = db.transaction((commits: readonly ProjectionCommit[]) => {
    for (const { projection, writes, checkpoint } of commits) {
      if (!layouts.has(projection)) loadProjection(projection);
      const collections = layouts.get(projection)!;
      for (const { collection, key, doc } of writes) collectionIn(collections, projection, collection).write(key, doc);
      for (const [collection, chunked] of collections) {
        for (const { chunk, text } of chunked.flush()) {
          if (text === null) deleteChunk.run(projection, collection, chunk);
          else saveChunk.run(projection, collection, chunk, text);
        }
      }
      saveCheckpoint.run(projection, checkpoint);
    }
  });

  const deleteProjection = db.prepare('DELETE FROM chunks WHERE projection = ?');
  const replaceProjection = db.transaction((projection: string, collections: ReadonlyMap<string, ReadonlyMap<string, unknown>>, checkpoint: number) => {
    deleteProjection.run(projection);
    for (const [collection, documents] of collections) {
      // Chunks in the documents' order, sized as a collection written document by document would be.
      let chunk = 0;
      let docsPerChunk = defaultDocsPerChunk;
      let pairs: unknown[] = [];
      const save = () => {
        const text = JSON.stringify(pairs);
        saveChunk.run(projection, collection, chunk++, text);
        docsPerChunk = docsPerChunkFor(pairs.length / 2, text.length);
        pairs = [];
      };
      for (const [key, doc] of documents) {
        pairs.push(key, doc);
        if (pairs.length >= docsPerChunk * 2) save();
      }
      if (pairs.length > 0) save();
    }
    saveCheckpoint.run(projection, checkpoint);
  });

  return {
    load(projection) {
      const documents = loadProjection(projection);
      return { checkpoint: selectCheckpoint.get(projection) ?? 0, documents };
    },
    commit(commits) {
      try {
        commitAll.immediate(commits);
      } catch (error) {
        // The chunk bookkeeping already counts the rolled-back writes: forget it, the next commit re-reads the file.
        layouts.clear();
        throw error;
      }
    },
    replace(projection, collections, checkpoint) {
      // Where each document is stored is read back from the file if the projection is written again.
      layouts.delete(projection);
      replaceProjection.immediate(projection, collections, checkpoint);
    },
    dump(): ReadStoreDump {
      const documents: ReadStoreDump['documents'] = [];
      const rows = db.prepare<[], [string, ...ChunkRowOf]>('SELECT projection, collection, chunk, docs FROM chunks').raw().all();
      for (const [projection, collection, , docs] of rows) {
        const pairs = decodeChunk(docs);
        for (let index = 0; index < pairs.length; index += 2) documents.push({ projection, collection, key: pairs[index] as string, doc: JSON.stringify(pairs[index + 1]) });
      }
      // Chunking depends on the order documents were first written, so compare documents, not rows.
      documents.sort((a, b) => compare(a.projection, b.projection) || compare(a.collection, b.collection) || compare(a.key, b.key));
      return {
        documents,
        checkpoints: db.prepare('SELECT projection, position FROM checkpoints ORDER BY projection').all() as ReadStoreDump['checkpoints'],
      };
    },
    close() {
      void checkpointer?.stop();
      // A finished build becomes an ordinary read store (the caller fsyncs it: synchronous is off).
      if (options.building) db.pragma('journal_mode = WAL');
      db.close();
    },
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Moves the read store file and its WAL companions aside, when a rebuilt one takes its place, and
 * deletes them in the background: unlinking tens of MB takes ~50 ms that the rebuild need not wait
 * for. A `.dropped` file a crash left behind is replaced by the next drop.
 */
export function dropSqliteReadStore(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    const dropped = `${path}${suffix}.dropped`;
    try {
      renameSync(`${path}${suffix}`, dropped);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    // A failed delete leaves the `.dropped` file for the next drop to replace: nothing to report.
    rm(dropped, { force: true }).catch(() => undefined);
  }
}
