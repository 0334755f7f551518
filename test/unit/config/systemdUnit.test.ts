import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';

const unit = readFileSync(new URL('../../../docker/faxengine.service', import.meta.url), 'utf8');
/** `Key=value` lines of the unit (last one wins, as in systemd), comments left out. */
const settings = new Map(
  unit
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
);

describe('the shipped systemd unit (docker/faxengine.service)', () => {
  it('runs node on the entry point directly, as its own user, so SIGTERM reaches faxengine', () => {
    expect(settings.get('ExecStart')).toMatch(/^\/usr\/bin\/node \S+\/bin\/faxengine\.js serve$/);
    expect(settings.get('User')).toBe('faxengine');
    expect(settings.get('KillSignal')).toBe('SIGTERM');
    expect(settings.get('Restart')).toBe('on-failure');
  });

  it('gives the drain its time before systemd kills, and sets limits', () => {
    const drainMs = configSchema.parse({}).fax.drainTimeoutMs;
    expect(Number(settings.get('TimeoutStopSec')) * 1000).toBeGreaterThan(drainMs);
    expect(Number(settings.get('LimitNOFILE'))).toBeGreaterThanOrEqual(4096);
    expect(settings.get('MemoryMax')).toMatch(/^\d+[KMG]$/);
  });
});
