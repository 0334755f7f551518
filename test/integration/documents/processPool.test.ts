import { describe, expect, it } from 'vitest';
import { isAlive } from '../../support/processAlive.js';
import { createProcessPool } from '../../../src/adapters/documents/processPool.js';

describe('process pool', () => {
  it('runs no more than its concurrency at once', async () => {
    const pool = createProcessPool({ concurrency: 2 });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 4 }, () => pool.run('sleep', ['0.3'], { timeoutMs: 5_000 })));
    expect(results.every((result) => result.exitCode === 0 && !result.timedOut)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('kills the whole process group of a process that runs past its time budget', async () => {
    const pool = createProcessPool({ concurrency: 1 });
    const started = performance.now();
    const result = await pool.run('sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(performance.now() - started).toBeLessThan(5_000);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    await expect.poll(() => isAlive(grandchild)).toBe(false);
  });

  it('on abort kills what runs and drops what waits', async () => {
    const pool = createProcessPool({ concurrency: 1 });
    const controller = new AbortController();
    const running = pool.run('sleep', ['30'], { timeoutMs: 60_000, signal: controller.signal });
    const waiting = pool.run('sleep', ['30'], { timeoutMs: 60_000, signal: controller.signal });
    const outcomes = Promise.allSettled([running, waiting]);
    setTimeout(() => controller.abort(new Error('stop')), 100);
    for (const outcome of await outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: new Error('stop') });
    // The slot is free again.
    expect((await pool.run('true', [], { timeoutMs: 5_000 })).exitCode).toBe(0);
  });

  it('hands back output and exit codes, and rejects when the program does not exist', async () => {
    const pool = createProcessPool({ concurrency: 1 });
    const result = await pool.run('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5_000 });
    expect(result).toEqual({ exitCode: 3, signal: null, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
    await expect(pool.run('no-such-program-here', [], { timeoutMs: 5_000 })).rejects.toThrow(/ENOENT/);
  });
});
