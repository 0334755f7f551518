import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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
});
