import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyRing, isSealed, SealedDataError, sealedKeyId } from '../../src/adapters/crypto/keyRing.js';
import { loadKeyRing, parseInlineKeys } from '../../src/adapters/crypto/loadKeyRing.js';
import { ConfigError } from '../../src/config/loadConfig.js';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('key ring', () => {
  it('seals under the current key and opens what an older key sealed after a rotation', () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const before = createKeyRing([k1]).seal(Buffer.from('page one'));
    const rotated = createKeyRing([k2, k1]);
    expect(sealedKeyId(before)).toBe('k1');
    expect(rotated.open(before).toString()).toBe('page one');
    const after = rotated.seal(Buffer.from('page two'));
    expect(sealedKeyId(after)).toBe('k2');
    expect(isSealed(after)).toBe(true);
    expect(after.includes(Buffer.from('page two'))).toBe(false);
    expect(() => createKeyRing([k1]).open(after)).toThrow(/key k2, which is not in the key ring/);
  });

  it('refuses changed bytes and the wrong context', () => {
    const ring = createKeyRing([key('k1')]);
    const sealed = ring.seal(Buffer.from('secret'), Buffer.from('doc-1'));
    expect(ring.open(sealed, Buffer.from('doc-1')).toString()).toBe('secret');
    expect(() => ring.open(sealed, Buffer.from('doc-2'))).toThrow(SealedDataError);
    const changed = Buffer.from(sealed);
    changed[changed.length - 1]! ^= 1;
    expect(() => ring.open(changed, Buffer.from('doc-1'))).toThrow(/does not authenticate/);
  });

  it('names the problem with configured keys', () => {
    expect(() => parseInlineKeys('k1:' + Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes \(AES-256\), got 16/);
    expect(() => loadKeyRing({ keys: `k1:${randomBytes(32).toString('base64')}`, currentKey: 'k9' }, tmpdir())).toThrow(ConfigError);
  });

  it('generates a key file on first start and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyring-'));
    const first = loadKeyRing({}, dir);
    const sealed = first.seal(Buffer.from('x'));
    expect(loadKeyRing({}, dir).open(sealed).toString()).toBe('x');
    expect(readFileSync(join(dir, 'encryption.keys'), 'utf8')).toMatch(/^k[0-9a-z]+ [A-Za-z0-9+/=]{44}$/m);
  });
});
