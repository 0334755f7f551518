/**
 * Document conversion benchmark: a 20-page text PDF to an A4 fine fax TIFF, through the converter
 * and through one plain ghostscript run of the same command, alternately, after a warm-up round.
 * Rates come from the median round, since other work on a shared machine makes single rounds
 * noisy. Prints progress, then as its last line one JSON object: pagesPerSec (converter),
 * ghostscriptPagesPerSec (plain ghostscript) and ratio (converter over ghostscript; target ≥ 0.8).
 *
 *   npx tsx test/bench/conversion.ts
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDocumentConverter } from '../../src/adapters/documents/faxConversion.js';
import { faxPageGeometry, ghostscriptFaxArgs } from '../../src/adapters/documents/ghostscriptCommands.js';
import { readTiffStructure } from '../../src/adapters/documents/tiffStructure.js';
import { makePdf } from '../support/documentFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

const PAGES = 20;
const ROUNDS = 9;
const run = promisify(execFile);
const log = (line: string) => process.stderr.write(`${line}\n`);
const dir = makeTempDir('conversion-bench');

/** A page of body text, so ghostscript has glyphs to rasterise as in a real letter. */
function textPage(page: number): string {
  const lines = Array.from({ length: 48 }, (_, line) => `72 ${760 - line * 14} moveto (Page ${page}, line ${line + 1}: the quick brown fox jumps over the lazy dog 0123456789) show`);
  return `/Helvetica findfont 10 scalefont setfont ${lines.join(' ')} showpage`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const pdf = join(dir.path, 'letter.pdf');
  await makePdf(pdf, Array.from({ length: PAGES }, (_, page) => textPage(page + 1)));
  const converter = createDocumentConverter({ tempDir: join(dir.path, 'tmp') });
  const args = ghostscriptFaxArgs(pdf, join(dir.path, 'plain.tif'), faxPageGeometry('fine', 'a4'), false);

  const converterSeconds: number[] = [];
  const ghostscriptSeconds: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let started = performance.now();
    const converted = await converter.convert([{ path: pdf, name: 'letter.pdf' }], join(dir.path, 'converted.tif'), { resolution: 'fine', pageSize: 'a4' });
    const converterRound = (performance.now() - started) / 1000;
    started = performance.now();
    await run('gs', args);
    const ghostscriptRound = (performance.now() - started) / 1000;
    const plainPages = (await readTiffStructure(join(dir.path, 'plain.tif'))).pages;
    if (converted.pages !== PAGES || plainPages !== PAGES) throw new Error(`expected ${PAGES} pages, got ${converted.pages} and ${plainPages}`);
    if (round === 0) {
      log(`warm-up: converter ${converterRound.toFixed(3)} s, ghostscript ${ghostscriptRound.toFixed(3)} s`);
      continue;
    }
    converterSeconds.push(converterRound);
    ghostscriptSeconds.push(ghostscriptRound);
    log(`round ${round}: converter ${converterRound.toFixed(3)} s, ghostscript ${ghostscriptRound.toFixed(3)} s`);
  }

  const pagesPerSec = PAGES / median(converterSeconds);
  const ghostscriptPagesPerSec = PAGES / median(ghostscriptSeconds);
  dir.remove();
  const result = {
    pagesPerSec: Number(pagesPerSec.toFixed(1)),
    ghostscriptPagesPerSec: Number(ghostscriptPagesPerSec.toFixed(1)),
    ratio: Number((pagesPerSec / ghostscriptPagesPerSec).toFixed(3)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  dir.remove();
  console.error(error);
  process.exit(1);
});
