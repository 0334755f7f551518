import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFaxEvent } from '../../../src/commands/faxProgress.js';
import { runSendCommand } from '../../../src/commands/sendCommand.js';
import { makeTempDir } from '../../support/tempDir.js';

const dir = makeTempDir('send-cli');
const pdf = join(dir.path, 'letter.pdf');
writeFileSync(pdf, '%PDF-1.4\n'); // never uploaded in these tests
const credentials = { FAXENGINE_USER: 'acme', FAXENGINE_PASSWORD: 'acme long password' };

async function send(args: string[], env: NodeJS.ProcessEnv = credentials) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSendCommand(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, env);
  return { code, out, err: err.join('\n') };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('faxengine send: usage', () => {
  afterAll(() => dir.remove());

  it('names what is missing or wrong and exits 2', async () => {
    expect(await send(['--from', '+15551230000', pdf])).toMatchObject({ code: 2, err: expect.stringContaining('--to <number> is required') });
    expect(await send(['--to', '+15557654321', pdf])).toMatchObject({ code: 2, err: expect.stringContaining('--from <number> is required') });
    expect(await send(['--to', '+15557654321', '--from', '+15551230000'])).toMatchObject({ code: 2, err: expect.stringContaining('no document given') });
    expect(await send(['--to', '1', '--from', '2', join(dir.path, 'missing.pdf')])).toMatchObject({ code: 2, err: expect.stringContaining(`file not found: ${join(dir.path, 'missing.pdf')}`) });
    expect(await send(['--to', '1', '--from', '2', dir.path])).toMatchObject({ code: 2, err: expect.stringContaining(`not a file: ${dir.path}`) });
    expect(await send(['--to', '1', '--from', '2', '--resolution', 'high', pdf])).toMatchObject({ code: 2, err: expect.stringContaining('--resolution: expected fine or standard, got "high"') });
    expect(await send(['--to', '1', '--from', '2', '--page-size', 'a3', pdf])).toMatchObject({ code: 2, err: expect.stringContaining('--page-size: expected a4 or letter') });
    expect(await send(['--to', '1', '--from', '2', '--url', 'ftp://x', pdf])).toMatchObject({ code: 2, err: expect.stringContaining('--url: expected http:// or https://') });
    expect(await send(['--to', '1', '--from', '2', '--bogus', pdf])).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--bogus'") });
    expect(await send(['--to', '1', '--from', '2', pdf], {})).toMatchObject({ code: 2, err: expect.stringContaining('credentials needed') });
  });

  it('says so when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await send(['--to', '+15557654321', '--from', '+15551230000', '--url', url, pdf]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(new RegExp(`^faxengine send: cannot reach faxengine at ${url}: connect ECONNREFUSED .*\\(is the server running\\? set --url or FAXENGINE_URL\\)$`));
  });

  it('prints its help with exit 0', async () => {
    const { code, out } = await send(['--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Usage: faxengine send --to <number> --from <number>');
  });
});

describe('progress lines', () => {
  it('tells retries, failures and inbound steps in a line each', () => {
    const line = (type: string, data: Record<string, unknown>) => describeFaxEvent({ type, data });
    const retryAt = new Date(2020, 0, 2, 3, 4, 5).toISOString();
    expect(line('FaxSendAttemptFailed', { attempt: 1, reason: 'busy (USER_BUSY)' })).toBe('attempt 1 failed: busy (USER_BUSY)');
    expect(line('FaxRetryScheduled', { retryAt, gateway: 'gw2', nextAttempt: 2 })).toBe('retry at 2020-01-02 03:04:05 via gw2 (attempt 2)');
    expect(line('FaxFailed', { reason: 'failed after 3 attempts: busy (USER_BUSY)' })).toBe('failed: failed after 3 attempts: busy (USER_BUSY)');
    expect(line('FaxCancelled', { during: 'waiting' })).toBe('cancelled (while waiting)');
    expect(line('FaxNegotiated', { transferRate: 9600, ecm: false, t38Status: 'off' })).toBe('negotiated 9600 bps');
    expect(line('FaxCallRejected', { sipCode: 404, reason: 'unknown_number', detail: 'no tenant has +15559999999' })).toBe('rejected with SIP 404: no tenant has +15559999999');
    expect(line('FaxRouted', { deliveries: [{ kind: 'email', addresses: ['a@b.example'] }, { kind: 'gateway', gateway: 'pbx1' }] })).toBe('routed to e-mail a@b.example; gateway pbx1');
    expect(line('NotificationSent', {})).toBeUndefined();
    expect(line('FaxQueued', {})).toBeUndefined();
  });
});
