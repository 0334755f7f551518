import { generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/loadConfig.js';
import { maskConfig } from '../../../src/config/maskConfig.js';
import { publicKeyFrom } from '../../../src/exports/exportKeyFormat.js';
import { exportKeyFileName, loadExportSigner } from '../../../src/exports/exportSigningKey.js';
import { makeTempDir } from '../../support/tempDir.js';

const seed = Buffer.alloc(32, 9).toString('base64');

function withDir<T>(run: (path: string) => T): T {
  const dir = makeTempDir('export-key');
  try {
    return run(dir.path);
  } finally {
    dir.remove();
  }
}

describe('the export signing key', () => {
  it('is generated once into <dataDir>/export-signing.key (0600) and kept across starts', () =>
    withDir((dataDir) => {
      const first = loadExportSigner(undefined, dataDir);
      const path = join(dataDir, exportKeyFileName);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(loadExportSigner(undefined, dataDir).publicKey).toEqual(first.publicKey);
      const signature = first.sign(Buffer.from('manifest'));
      expect(verify(null, Buffer.from('manifest'), publicKeyFrom(first.publicKey.publicKey), signature)).toBe(true);
      expect(verify(null, Buffer.from('manifest'), publicKeyFrom(first.publicKey.publicKeyPem), signature)).toBe(true);
      expect(first.publicKey.keyId).toMatch(/^[0-9a-f]{64}$/);
    }));

  it('comes from exports.signingKey as a base64 seed or a PEM, the same key either way', () =>
    withDir((dataDir) => {
      const fromSeed = loadConfig({ cwd: dataDir, env: { FAXENGINE_EXPORTS_SIGNING_KEY: seed } }).config;
      const signer = loadExportSigner(fromSeed.exports.signingKey, dataDir);
      const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      writeFileSync(join(dataDir, 'faxengine.json'), JSON.stringify({ exports: { signingKey: pem } }));
      const fromPem = loadConfig({ cwd: dataDir, env: {} }).config;
      expect(loadExportSigner(fromPem.exports.signingKey, dataDir).publicKey.keyId).not.toBe(signer.publicKey.keyId);
      expect(loadExportSigner(seed, dataDir).publicKey).toEqual(signer.publicKey);
      // Configured, nothing is written to the data directory.
      expect(() => statSync(join(dataDir, exportKeyFileName))).toThrow();
      expect(JSON.stringify(maskConfig(fromSeed))).not.toContain(seed);
      expect(JSON.stringify(maskConfig(fromPem))).not.toContain('PRIVATE KEY');
    }));

  it('refuses a value that is no Ed25519 key, naming the key and what is wrong', () =>
    withDir((dataDir) => {
      const refused = (value: string) => {
        try {
          loadConfig({ cwd: dataDir, env: { FAXENGINE_EXPORTS_SIGNING_KEY: value } });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          return (error as Error).message;
        }
        throw new Error('accepted');
      };
      expect(refused(Buffer.alloc(16).toString('base64'))).toMatch(/exports\.signingKey.*decodes to 16 bytes; an Ed25519 seed is 32/);
      expect(refused('not a key!')).toMatch(/exports\.signingKey.*PEM private key or the base64/);
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      expect(refused(rsa)).toMatch(/exports\.signingKey.*Ed25519 key is needed, this PEM holds a rsa key/);
    }));

  it('refuses a kept key file that is damaged, naming the file', () =>
    withDir((dataDir) => {
      writeFileSync(join(dataDir, exportKeyFileName), 'garbage');
      expect(() => loadExportSigner(undefined, dataDir)).toThrow(ConfigError);
      expect(() => loadExportSigner(undefined, dataDir)).toThrow(new RegExp(`${exportKeyFileName}: .*remove the file`));
    }));
});
