import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cliProcess.js';

describe('faxengine demo', () => {
  it('receives a fax and sends one with faxengine and the simulator, then exits 0 with --exit', async () => {
    const cli = startCli(['demo', '--exit']);
    const code = await cli.exited;
    const out = cli.stdout();
    const lines = out.split('\n').map((line) => line.trim());
    expect(cli.stderr(), out).toBe('');
    expect(code, out).toBe(0);

    const dataDir = /data in (\S+), removed on exit/.exec(out)?.[1];
    expect(dataDir).toBeDefined();
    expect(existsSync(dataDir!)).toBe(false);

    const received = lines.indexOf('received: 3 pages from "DEMO REMOTE FAX"');
    expect(received).toBeGreaterThan(lines.indexOf('incoming call from +15557654321 to +15551230000'));
    expect(lines).toEqual(expect.arrayContaining(['page 1', 'page 2', 'page 3', 'stored (no delivery endpoints for this number)']));
    expect(out).toMatch(/document: http:\/\/127\.0\.0\.1:\d+\/v1\/faxes\/[0-9a-f-]{36}\/document/);

    const sent = lines.indexOf('sent: 2 pages to +15557654321 in 1 attempt');
    expect(sent).toBeGreaterThan(received);
    expect(lines.slice(received, sent)).toEqual(expect.arrayContaining(['queued (2 pages)', 'dialing +15557654321 via demo-carrier (attempt 1)', 'page 1 of 2', 'page 2 of 2']));
    expect(out).toMatch(/API docs\s+http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(out).toMatch(/admin API\s+curl -u admin:demo-[0-9a-f]+ /);
    expect(out).toMatch(/faxengine send --url http:\/\/127\.0\.0\.1:\d+ --user demo --password demo-[0-9a-f]+ --from \+15551230000 --to \+15557654321/);
  }, 90_000);
});
