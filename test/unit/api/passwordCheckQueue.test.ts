import { describe, expect, it } from 'vitest';
import { createPasswordCheckQueue, PasswordCheckQueueFull } from '../../../src/api/auth/passwordCheckQueue.js';

/** A verifier whose checks finish when the test says so. */
function controlledVerifier() {
  const started: string[] = [];
  const finish = new Map<string, (ok: boolean) => void>();
  let running = 0;
  let mostAtOnce = 0;
  const verify = (password: string) =>
    new Promise<boolean>((resolve) => {
      started.push(password);
      mostAtOnce = Math.max(mostAtOnce, ++running);
      finish.set(password, (ok) => {
        running--;
        resolve(ok);
      });
    });
  return { verify, started, finish: (password: string, ok = false) => finish.get(password)!(ok), mostAtOnce: () => mostAtOnce };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('password check queue', () => {
  it('runs at most `concurrency` checks at once, clean addresses first, and refuses past the queue', async () => {
    const verifier = controlledVerifier();
    const check = createPasswordCheckQueue({ verify: verifier.verify, concurrency: 2, maxQueued: 3 });
    const results = ['s1', 's2', 's3', 's4'].map((password) => check(password, 'hash'));
    const valid = check('valid', 'hash', true);
    await expect(check('one too many', 'hash')).rejects.toBeInstanceOf(PasswordCheckQueueFull);
    await settle();
    expect(verifier.started).toEqual(['s1', 's2']);
    verifier.finish('s1');
    await settle();
    // The clean address's check jumps the queue of the suspect ones.
    expect(verifier.started).toEqual(['s1', 's2', 'valid']);
    verifier.finish('valid', true);
    expect(await valid).toBe(true);
    for (const password of ['s2', 's3', 's4']) {
      await settle();
      verifier.finish(password);
    }
    expect(await Promise.all(results)).toEqual([false, false, false, false]);
    expect(verifier.mostAtOnce()).toBe(2);
    // Slots are given back: a later check runs at once.
    const later = check('later', 'hash');
    await settle();
    expect(verifier.started.at(-1)).toBe('later');
    verifier.finish('later', true);
    expect(await later).toBe(true);
  });

  it('frees the slot when a check throws', async () => {
    const check = createPasswordCheckQueue({ verify: () => Promise.reject(new Error('bad hash')), concurrency: 1, maxQueued: 0 });
    await expect(check('a', 'hash')).rejects.toThrow('bad hash');
    await expect(check('b', 'hash')).rejects.toThrow('bad hash');
  });
});
