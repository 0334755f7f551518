import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cliProcess.js';

const run = promisify(execFile);
const bin = new URL('../../bin/faxengine.js', import.meta.url).pathname;

// The installed `faxengine` command runs the compiled build that the README's set-up produces.
describe('the faxengine binary', () => {
  it('prints its version and help from the build', async () => {
    const version = await run(process.execPath, [bin, '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await run(process.execPath, [bin, '--help']);
    expect(help.stdout).toContain('Usage: faxengine <command>');
    const serveHelp = await run(process.execPath, [bin, 'serve', '--help']);
    expect(serveHelp.stdout).toContain('--config <file>');
  });

  it('receives a fax and sends one from the build (demo --exit: the server, the simulator, ghostscript through the spawn helper)', async () => {
    const cli = startCli(['demo', '--exit'], { built: true });
    const code = await cli.exited;
    const out = cli.stdout();
    expect(cli.stderr(), out).toBe('');
    expect(code, out).toBe(0);
    const lines = out.split('\n').map((line) => line.trim());
    expect(lines).toContain('received: 3 pages from "DEMO REMOTE FAX"');
    expect(lines).toContain('sent: 2 pages to +15557654321 in 1 attempt');
  }, 90_000);
});
