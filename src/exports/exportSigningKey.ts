import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/loadConfig.js';
import { describePublicKey, parseExportSigningKey, type ExportPublicKey } from './exportKeyFormat.js';

/** Signs export manifests with faxengine's Ed25519 key. */
export interface ExportSigner {
  readonly publicKey: ExportPublicKey;
  sign(bytes: Uint8Array): Buffer;
}

export const exportKeyFileName = 'export-signing.key';

/**
 * The signer: the configured key, else the one kept in `<dataDir>/export-signing.key` (PKCS#8 PEM,
 * owner-only), generated on first use. Instances of one cluster must share it: configure it then.
 */
export function loadExportSigner(configured: string | undefined, dataDir: string): ExportSigner {
  return exportSigner(configured ? parseExportSigningKey(configured) : keptKey(dataDir));
}

export function exportSigner(privateKey: KeyObject): ExportSigner {
  const publicKey = describePublicKey(createPublicKey(privateKey));
  return { publicKey, sign: (bytes) => sign(null, bytes, privateKey) };
}

function keptKey(dataDir: string): KeyObject {
  const path = join(dataDir, exportKeyFileName);
  if (!existsSync(path)) {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    try {
      writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  try {
    return parseExportSigningKey(readFileSync(path, 'utf8'));
  } catch (error) {
    // A start-up failure the operator fixes: one line naming the file.
    throw new ConfigError(`${path}: ${(error as Error).message}; remove the file to get a new key (exports signed with the old one then verify only against its public key)`);
  }
}
