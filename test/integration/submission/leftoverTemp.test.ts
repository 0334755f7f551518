import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerWithSimulator } from '../../support/serverHarness.js';

describe('submission work files left by a process that died mid-submission', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>> | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await env?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    env = dataDir = undefined;
  });

  it('are removed when the server starts; the spool stays', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'faxengine-tmp-'));
    const upload = join(dataDir, 'tmp', 'submissions', 'submission-AbC123');
    mkdirSync(upload, { recursive: true });
    writeFileSync(join(upload, 'part-1.pdf'), '%PDF-1.4 half an upload');
    mkdirSync(join(dataDir, 'tmp', 'conversion', 'job-1'), { recursive: true });
    mkdirSync(join(dataDir, 'spool'), { recursive: true });
    writeFileSync(join(dataDir, 'spool', 'unknown.tif'), 'II*\0');

    env = await startServerWithSimulator({ dataDir });

    expect(existsSync(upload)).toBe(false);
    expect(existsSync(join(dataDir, 'tmp', 'conversion', 'job-1'))).toBe(false);
    expect(readdirSync(join(dataDir, 'spool'))).toEqual(['unknown.tif']);
  });
});
