import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentConversionError } from '../../../src/adapters/documents/documentConversionError.js';
import { documentToFaxTiff } from '../../../src/adapters/documents/documentToFaxTiff.js';
import { faxPageGeometry } from '../../../src/adapters/documents/ghostscriptCommands.js';
import { createProcessPool, type ProcessPool } from '../../../src/adapters/documents/processPool.js';
import { readTiffStructure } from '../../../src/adapters/documents/tiffStructure.js';
import { boxPage, makePdf, makeTruncatedPdf } from '../../support/documentFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

// Each child process costs the server a fork of its whole address space (#17: the send path's CPU).
describe('one ghostscript run per PDF', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  function setup() {
    const dir = makeTempDir('document-to-tiff');
    dirs.push(dir);
    const real = createProcessPool({ concurrency: 2 });
    const commands: string[] = [];
    const pool: ProcessPool = { ...real, run: (command, args, options) => (commands.push(command), real.run(command, args, options)) };
    const job = { pool, geometry: faxPageGeometry('fine', 'a4'), workDir: async () => dir.path, label: 'doc', timeoutMs: 30_000, signal: new AbortController().signal };
    return { file: (name: string) => join(dir.path, name), job, commands };
  }

  it('renders a user PDF and checks it was read whole in a single ghostscript process', async () => {
    const { file, job, commands } = setup();
    await makePdf(file('in.pdf'), [boxPage(0.2), boxPage(0.4), boxPage(0.6)]);
    const pages = await documentToFaxTiff({ path: file('in.pdf'), name: 'in.pdf' }, file('out.tif'), job);
    expect(pages).toEqual({ path: file('out.tif'), kept: false, pages: 3 });
    expect((await readTiffStructure(file('out.tif'))).pages).toBe(3);
    expect(commands).toEqual(['gs']);
  });

  it('still refuses a PDF cut short, from that one run', async () => {
    const { file, job, commands } = setup();
    await makeTruncatedPdf(file('cut (1).pdf'), [boxPage(0.2), boxPage(0.4), boxPage(0.6)]);
    const failure = await documentToFaxTiff({ path: file('cut (1).pdf'), name: 'cut (1).pdf' }, file('out.tif'), job).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DocumentConversionError);
    expect(failure).toMatchObject({ reason: 'corrupt', fileName: 'cut (1).pdf' });
    expect((failure as DocumentConversionError).detail).toMatch(/read 2 of its 3 pages/);
    expect(commands).toEqual(['gs']);
  });
});
