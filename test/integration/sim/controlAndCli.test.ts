import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlServer, type ControlServer } from '../../../src/sim/controlServer.js';
import { runSimCommand } from '../../../src/sim/simCli.js';
import { ask, startSim, type SimHarness } from '../../support/simHarness.js';

let h: SimHarness;
let control: ControlServer;
beforeEach(async () => {
  h = await startSim();
  control = await startControlServer(h.sim, { host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await control.close();
  await h.close();
});

const url = (path: string): string => `http://127.0.0.1:${control.address.port}${path}`;

describe('HTTP control surface', () => {
  test('starts an inbound call, lists its channel, shows the command log, waits for the end', async () => {
    const created = (await (await fetch(url('/calls'), { method: 'POST', body: JSON.stringify({ from: '100', to: '200' }) })).json()) as { uuid: string };
    const client = await h.faxengine.nextClient();
    await ask(client, 'connect');
    await ask(client, 'getvar sip_to_user');
    const channels = (await (await fetch(url('/channels'))).json()) as Array<{ uuid: string }>;
    expect(channels.map((channel) => channel.uuid)).toEqual([created.uuid]);
    const log = (await (await fetch(url(`/connections/${created.uuid}/commands`))).json()) as Array<{ command: string }>;
    expect(log.map((entry) => entry.command)).toEqual(['connect', 'getvar sip_to_user']);
    const waiting = fetch(url('/wait?timeoutMs=5000'), { method: 'POST' });
    client.command('exit');
    expect(((await (await waiting).json()) as { idle: boolean }).idle).toBe(true);
    const stats = (await (await fetch(url('/stats'))).json()) as { eventsFired: number; channels: number };
    expect(stats.channels).toBe(0);
    expect(stats.eventsFired).toBeGreaterThan(10);
  });

  test('bad input is a 400 that names the problem', async () => {
    const response = await fetch(url('/calls'), { method: 'POST', body: '{not json' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/JSON/);
  });
});

describe('faxengine sim CLI', () => {
  test('--help documents the options and returns 0', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await runSimCommand(['--help'])).toBe(0);
    const text = out.mock.calls.map(([chunk]) => String(chunk)).join('');
    out.mockRestore();
    for (const option of ['--listen', '--password', '--dial', '--control', '--scenario', '--time-scale']) expect(text).toContain(option);
  });

  test.each([
    [['--listen', 'nope'], '--listen'],
    [['--time-scale', '0'], '--time-scale'],
    [['--bogus'], '--bogus'],
    [['--dial'], '--dial'],
  ])('%j fails with one line naming %s', async (argv, option) => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runSimCommand(argv)).not.toBe(0);
    const text = err.mock.calls.map(([chunk]) => String(chunk)).join('');
    err.mockRestore();
    expect(text).toContain(option);
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  test('an invalid scenario file names the option and the file', async () => {
    const file = join(h.dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ gateways: { gw1: { state: 'sideways' } } }));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runSimCommand(['--scenario', file])).toBe(2);
    const text = err.mock.calls.map(([chunk]) => String(chunk)).join('');
    err.mockRestore();
    expect(text).toContain(`--scenario: ${file}`);
  });

  test('prints exactly one line when listening and returns 0 on SIGTERM', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const running = runSimCommand(['--listen', '127.0.0.1:0', '--control', '127.0.0.1:0', '--time-scale', '0.01']);
    while (out.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    const lines = out.mock.calls.map(([chunk]) => String(chunk));
    out.mockRestore();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^faxengine sim listening: esl 127\.0\.0\.1:\d+, dialing 127\.0\.0\.1:8084, control http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
