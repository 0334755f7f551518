import { createHash, type KeyObject } from 'node:crypto';
import { open } from 'node:fs/promises';
import { describePublicKey, verifySignature } from './exportKeyFormat.js';
import { eventLines, sha256Hex } from './eventsFile.js';
import { manifestPath, signaturePath, type ExportManifest, type ManifestFile } from './exportManifest.js';
import { entryBytes, entryChunks, readTarEntries, TarFormatError, type TarEntry } from './tarReader.js';

export interface VerifyReport {
  /** Everything checked out: the signature, every file's size and hash, nothing missing or extra. */
  ok: boolean;
  /** What differs and where, one line each (empty when ok). */
  problems: string[];
  /** The manifest as read (undefined when it is missing or not JSON). */
  manifest?: ExportManifest;
  signatureValid: boolean;
  keyId: string;
  filesChecked: number;
}

/**
 * Checks an export archive offline against `publicKey`: the Ed25519 signature over manifest.json's
 * exact bytes, then every file the manifest lists (size and SHA-256; for events.json, which event
 * differs), and that the archive holds no file the manifest does not list. Reads the archive file
 * by file, in chunks: memory stays bounded by the manifest and one events.json.
 */
export async function verifyExport(archivePath: string, publicKey: KeyObject): Promise<VerifyReport> {
  const keyId = describePublicKey(publicKey).keyId;
  const problems: string[] = [];
  const report = (extra: Partial<VerifyReport> = {}): VerifyReport => ({ ok: problems.length === 0, problems, signatureValid: false, keyId, filesChecked: 0, ...extra });
  const handle = await open(archivePath, 'r');
  try {
    const entries = new Map<string, TarEntry>();
    try {
      for await (const entry of readTarEntries(handle)) {
        if (entry.kind === 'directory') continue; // added by a re-pack with tar; a directory holds no data
        if (entries.has(entry.path)) problems.push(`${entry.path}: in the archive twice`);
        entries.set(entry.path, entry);
      }
    } catch (error) {
      if (!(error instanceof TarFormatError)) throw error;
      problems.push(`archive: ${error.message}`);
      return report();
    }
    const manifestEntry = entries.get(manifestPath);
    const signatureEntry = entries.get(signaturePath);
    if (!manifestEntry) problems.push(`${manifestPath}: missing from the archive`);
    if (!signatureEntry) problems.push(`${signaturePath}: missing from the archive`);
    if (!manifestEntry || !signatureEntry) return report();

    const manifestBytes = await entryBytes(handle, manifestEntry);
    const signature = Buffer.from((await entryBytes(handle, signatureEntry)).toString('ascii').trim(), 'base64');
    const signatureValid = verifySignature(publicKey, manifestBytes, signature);
    if (!signatureValid) problems.push(`${signaturePath}: signature does not verify with key ${keyId}: manifest.json or manifest.sig was changed after signing, or another key signed them`);

    let manifest: ExportManifest;
    try {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as ExportManifest;
      if (!Array.isArray(manifest.files)) throw new Error('no "files" list');
    } catch (error) {
      problems.push(`${manifestPath}: not a readable manifest (${(error as Error).message})`);
      return report({ signatureValid });
    }
    if (manifest.key?.keyId !== keyId) problems.push(`${manifestPath}: names signing key ${String(manifest.key?.keyId)}, but the key given is ${keyId}`);

    const listed = new Set<string>([manifestPath, signaturePath]);
    for (const file of manifest.files) {
      listed.add(file.path);
      const entry = entries.get(file.path);
      if (!entry) problems.push(`${file.path}: listed in the manifest, missing from the archive`);
      else if (entry.kind !== 'file') problems.push(`${file.path}: not a regular file in the archive`);
      else problems.push(...(await checkFile(handle, entry, file)));
    }
    for (const path of entries.keys()) if (!listed.has(path)) problems.push(`${path}: in the archive, not in the manifest`);
    return report({ manifest, signatureValid, filesChecked: manifest.files.length });
  } finally {
    await handle.close();
  }
}

async function checkFile(handle: Awaited<ReturnType<typeof open>>, entry: TarEntry, file: ManifestFile): Promise<string[]> {
  const hash = createHash('sha256');
  for await (const chunk of entryChunks(handle, entry)) hash.update(chunk);
  const actual = hash.digest('hex');
  if (actual === file.sha256 && entry.size === file.size) return [];
  const sizes = entry.size === file.size ? `size ${file.size} bytes (same)` : `size expected ${file.size} bytes, actual ${entry.size}`;
  const problems = [`${file.path}: SHA-256 expected ${file.sha256}, actual ${actual}; ${sizes}`];
  if (file.events) problems.push(...(await changedEvents(handle, entry, file)));
  return problems;
}

/** Which events of a changed events.json differ from the manifest's per-event hashes. */
async function changedEvents(handle: Awaited<ReturnType<typeof open>>, entry: TarEntry, file: ManifestFile): Promise<string[]> {
  const expected = file.events ?? [];
  const lines = eventLines(await entryBytes(handle, entry));
  if (!lines) return [`${file.path}: no longer one event per line; cannot tell which event changed`];
  const problems: string[] = [];
  for (let i = 0; i < Math.max(lines.length, expected.length); i++) {
    const want = expected[i];
    const line = lines[i];
    if (!want) problems.push(`${file.path}: line ${i + 2} is an event the manifest does not list`);
    else if (line === undefined) problems.push(`${file.path}: event revision ${want.revision} (${want.type}, id ${want.id}) is missing`);
    else if (sha256Hex(line) !== want.sha256) problems.push(`${file.path}: event revision ${want.revision} (${want.type}, id ${want.id}, line ${i + 2}) differs`);
  }
  return problems;
}
