import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/loadConfig.js';
import { createKeyRing, keyIdPattern, SealedDataError, type KeyRing, type NamedKey } from './keyRing.js';

export interface EncryptionSettings {
  /** Inline keys `id:base64,id:base64` (e.g. from FAXENGINE_ENCRYPTION_KEYS). */
  keys?: string | undefined;
  /** A file of keys, one `id base64` per line (`#` starts a comment). */
  keyFile?: string | undefined;
  /** The key new data is sealed under; default the first key listed. */
  currentKey?: string | undefined;
}

export const generatedKeyFileName = 'encryption.keys';

/**
 * The at-rest key ring: the configured keys, else `<dataDir>/encryption.keys`, generated with one
 * random key on first start (owner-only). Keys kept beside the data protect against a copied disk
 * image only if the data directory is not copied with them: configure a key file elsewhere (or
 * the environment) in production. Every instance of a cluster must have the same keys.
 */
export function loadKeyRing(settings: EncryptionSettings, dataDir: string): KeyRing {
  const source = settings.keys !== undefined ? 'encryption.keys' : (settings.keyFile ?? join(dataDir, generatedKeyFileName));
  try {
    const keys = settings.keys !== undefined ? parseInlineKeys(settings.keys) : parseKeyFile(readKeyFile(settings.keyFile, dataDir));
    return createKeyRing(keys, settings.currentKey ?? keys[0]?.id);
  } catch (error) {
    if (error instanceof SealedDataError) throw new ConfigError(`${source}: ${error.message}`);
    throw error;
  }
}

/** A new key line for a key file: `id base64`. */
export function newKeyLine(id: string): string {
  return `${id} ${randomBytes(32).toString('base64')}\n`;
}

function readKeyFile(configured: string | undefined, dataDir: string): string {
  if (configured) {
    if (!existsSync(configured)) throw new ConfigError(`encryption.keyFile: ${configured} does not exist`);
    return readFileSync(configured, 'utf8');
  }
  const path = join(dataDir, generatedKeyFileName);
  if (!existsSync(path)) {
    try {
      writeFileSync(path, `# faxengine at-rest keys: "id base64-of-32-bytes" per line; the first seals new data\n${newKeyLine(`k${Date.now().toString(36)}`)}`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(path, 'utf8');
}

export function parseKeyFile(text: string): NamedKey[] {
  const keys: NamedKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [id, encoded, extra] = line.split(/\s+/);
    if (extra !== undefined || encoded === undefined) throw new SealedDataError(`line ${index + 1}: expected "id base64-key"`);
    keys.push(namedKey(id!, encoded, `line ${index + 1}`));
  });
  if (keys.length === 0) throw new SealedDataError('no keys');
  return keys;
}

export function parseInlineKeys(text: string): NamedKey[] {
  const keys = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, index) => {
      const colon = part.indexOf(':');
      if (colon < 0) throw new SealedDataError(`key ${index + 1}: expected "id:base64-key"`);
      return namedKey(part.slice(0, colon), part.slice(colon + 1), `key ${index + 1}`);
    });
  if (keys.length === 0) throw new SealedDataError('no keys');
  return keys;
}

function namedKey(id: string, encoded: string, where: string): NamedKey {
  if (!keyIdPattern.test(id)) throw new SealedDataError(`${where}: key id ${JSON.stringify(id)} must be letters, digits and . _ - only, at most 64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) throw new SealedDataError(`${where}: key ${id} must be the base64 of 32 bytes (AES-256), got ${key.length} bytes`);
  return { id, key };
}
