import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createFileEraser } from '../../../src/adapters/documents/fileEraser.js';
import { makeTempDir } from '../../support/tempDir.js';

const dir = makeTempDir('file-eraser');
afterAll(() => dir.remove());

it("deletes every file of a document (renditions, sidecar, temporary copies) and its page images, nothing of another document's, and nothing for an id that is no content address", async () => {
  const documentsDir = join(dir.path, 'documents');
  const pageImagesDir = join(documentsDir, 'page-images');
  const gone = 'ab'.padEnd(64, '1');
  const other = 'ab'.padEnd(64, '2');
  mkdirSync(join(documentsDir, 'ab'), { recursive: true });
  mkdirSync(join(pageImagesDir, 'ab'), { recursive: true });
  for (const sha of [gone, other]) {
    for (const suffix of ['.tif', '.json', '.pdf', '.pdf.5b1c.tmp']) writeFileSync(join(documentsDir, 'ab', `${sha}${suffix}`), 'x');
    for (const image of ['-1-200w.png', '-2-1100w.png']) writeFileSync(join(pageImagesDir, 'ab', `${sha}${image}`), 'x');
  }
  const eraser = createFileEraser({ documentsDir, pageImagesDir, spoolDir: join(dir.path, 'spool') });
  await eraser.eraseDocument(`sha256-${gone}`);
  await eraser.eraseDocument(`sha256-${gone}`);
  await eraser.eraseDocument('../ab');
  await eraser.eraseSpool('../documents/ab/x');
  expect(readdirSync(join(documentsDir, 'ab')).sort()).toEqual([`${other}.json`, `${other}.pdf`, `${other}.pdf.5b1c.tmp`, `${other}.tif`]);
  expect(readdirSync(join(pageImagesDir, 'ab')).sort()).toEqual([`${other}-1-200w.png`, `${other}-2-1100w.png`]);
  expect(existsSync(join(documentsDir, 'ab'))).toBe(true);
});
