import type Database from 'better-sqlite3';

/**
 * Keeps SQLite's temporary data in memory: statement journals (the pages a statement inside a
 * larger transaction changes, kept so it alone can be undone) spill to an unnamed file in the
 * OS temp directory (`/var/tmp/etilqs_…`) past 64 KB, and sorts and temporary tables past the
 * page cache. Those files hold earlier versions of the pages: fax numbers and idents, outside the
 * data directory and beyond `secure_delete` (unlinked, never overwritten), so a purge could not
 * vouch for them. Each is also a file created and deleted: on ext4 without a journal, creating
 * one scans past every inode its group freed in the last seconds. What they hold is small and
 * lives for one transaction.
 */
export function keepTemporaryDataInMemory(db: Database.Database): void {
  db.pragma('temp_store = MEMORY');
}
