import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SealedDataError } from '../../crypto/keyRing.js';
import type { SubjectKey } from './subjectKeys.js';
import type { PersonalValue } from './personalFields.js';

/** The field of an event's `data` that holds its personal values, sealed under its subject's key. */
export const sealedField = 'sealedPersonalData';

const ivBytes = 12;
const tagBytes = 16;
/** Random IVs drawn a thousand at a time: one `randomBytes` call costs as much as a whole sealing otherwise. */
const ivPoolSize = 1024;
let ivPool = Buffer.alloc(0);
let ivNext = ivPoolSize;

function nextIv(): Buffer {
  if (ivNext >= ivPoolSize) {
    ivPool = randomBytes(ivBytes * ivPoolSize);
    ivNext = 0;
  }
  return ivPool.subarray(ivBytes * ivNext, ivBytes * ++ivNext);
}

/**
 * `<key generation>.<base64 of IV | tag | AES-256-GCM ciphertext>` of the values' JSON, the subject
 * (stream) as AAD, so a sealed field copied into another stream does not open.
 */
export function sealValues(values: readonly PersonalValue[], key: SubjectKey, subject: string): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return `${key.generation}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** The generation of the key a sealed field needs. */
export const sealedGeneration = (sealed: string): string => sealed.slice(0, sealed.indexOf('.'));

export function openValues(sealed: string, key: SubjectKey, subject: string): PersonalValue[] {
  const bytes = Buffer.from(sealed.slice(sealed.indexOf('.') + 1), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, ivBytes));
  decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
  decipher.setAAD(Buffer.from(subject, 'utf8'));
  try {
    const plain = Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as PersonalValue[];
  } catch {
    throw new SealedDataError(`the personal data of an event of ${subject} does not authenticate: changed or copied from another stream`);
  }
}
