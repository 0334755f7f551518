import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDocumentConverter,
  DocumentConversionError,
  type ConversionOptions,
  type InputDocument,
} from '../../../src/adapters/documents/faxConversion.js';
import { boxPage, makePdf, makePng, makeTruncatedPdf, makeRaster, setExifOrientation, type PngSpec } from '../../support/documentFixtures.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { rawPageData, readTiffPages, type TiffPage } from '../../support/faxTiffPages.js';
import { makeTempDir } from '../../support/tempDir.js';

const fineA4: ConversionOptions = { resolution: 'fine', pageSize: 'a4' };
// An A4-shaped raster, so that fitting it to the page leaves no margins to reason about.
const a4Raster = { widthPx: 210, heightPx: 297, dpi: 25.4 };

describe('converting documents to a fax TIFF', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  function setup() {
    const dir = makeTempDir('fax-conversion');
    dirs.push(dir);
    const tempDir = join(dir.path, 'tmp');
    const converter = createDocumentConverter({ tempDir, concurrency: 2 });
    const file = (name: string) => join(dir.path, name);
    const input = (name: string): InputDocument => ({ path: file(name), name });
    return { converter, file, input, tempDir, dir: dir.path };
  }

  function expectFaxPages(pages: TiffPage[], height: number, verticalDpi: number) {
    for (const page of pages) {
      expect(page).toMatchObject({ width: 1728, height, resolution: `204, ${verticalDpi} pixels/inch`, compression: 'CCITT Group 4' });
    }
  }

  it('renders a PDF into A4 fine G4 pages 1728 px wide, keeping what is on them', async () => {
    const { converter, file, input } = setup();
    await makePdf(file('letter.pdf'), [boxPage(0.25), boxPage(0.5)]);
    const result = await converter.convert([input('letter.pdf')], file('out.tif'), fineA4);
    expect(result).toEqual({ path: file('out.tif'), pages: 2 });
    const pages = await readTiffPages(file('out.tif'));
    expect(pages).toHaveLength(2);
    expectFaxPages(pages, 2292, 196);
    expect(pages[0]!.blackIn({ left: 0.05, right: 0.95, bottom: 0.24 })).toBeGreaterThan(0.99);
    expect(pages[0]!.blackIn({ top: 0.26 })).toBeLessThan(0.001);
    expect(pages[1]!.blackIn({ top: 0.51 })).toBeLessThan(0.001);
    expect(pages[1]!.blackIn({ bottom: 0.5 })).toBeGreaterThan(0.9);
  });

  it.each([
    ['a4', 'fine', 2292, 196],
    ['a4', 'standard', 1146, 98],
    ['letter', 'fine', 2156, 196],
    ['letter', 'standard', 1078, 98],
  ] as const)('fits pages to %s at %s resolution: 1728×%i at 204×%i dpi', async (pageSize, resolution, height, verticalDpi) => {
    const { converter, file, input } = setup();
    await makePdf(file('doc.pdf'), [boxPage(0.5)], { widthPt: 612, heightPt: 792 });
    await converter.convert([input('doc.pdf')], file('out.tif'), { pageSize, resolution });
    const pages = await readTiffPages(file('out.tif'));
    expect(pages).toHaveLength(1);
    expectFaxPages(pages, height, verticalDpi);
    expect(pages[0]!.blackIn({ bottom: 0.45 })).toBeGreaterThan(0.9);
  });

  it('turns a landscape page to fit the portrait fax page', async () => {
    const { converter, file, input } = setup();
    await makePdf(file('wide.pdf'), ['0 setgray 0 0 421 595 rectfill showpage'], { widthPt: 842, heightPt: 595 });
    await converter.convert([input('wide.pdf')], file('out.tif'), fineA4);
    const [page] = await readTiffPages(file('out.tif'));
    expectFaxPages([page!], 2292, 196);
    // The left half of the landscape page is black; turned, that half is the top or bottom half.
    expect(page!.blackIn()).toBeGreaterThan(0.4);
    const halves = [page!.blackIn({ bottom: 0.45 }), page!.blackIn({ top: 0.55 })].sort();
    expect(halves[0]).toBeLessThan(0.01);
    expect(halves[1]).toBeGreaterThan(0.9);
  });

  it.each(['png16m', 'pnggray', 'png256', 'pngmono', 'png48', 'jpeg', 'jpeggray'])(
    'scales a %s image to the page and dithers it to black and white',
    async (device) => {
      const { converter, file } = setup();
      // Named .bin: the kind of file is read from its bytes, never from its name.
      await makeRaster(file('picture.bin'), device, '0 setgray 0 421 595 421 rectfill 0.5 setgray 0 0 595 200 rectfill showpage', a4Raster);
      const result = await converter.convert([{ path: file('picture.bin'), name: 'scan' }], file('out.tif'), fineA4);
      expect(result.pages).toBe(1);
      const [page] = await readTiffPages(file('out.tif'));
      expectFaxPages([page!], 2292, 196);
      expect(page!.blackIn({ top: 0.05, bottom: 0.45 })).toBeGreaterThan(0.95);
      // Mid grey comes out as a halftone, neither white nor black.
      const grey = page!.blackIn({ top: 0.8, bottom: 0.95 });
      expect(grey).toBeGreaterThan(0.2);
      expect(grey).toBeLessThan(0.8);
      expect(page!.blackIn({ top: 0.55, bottom: 0.7 })).toBeLessThan(0.01);
    },
  );

  // Each hides black under its transparent parts, with an opaque black square in the middle.
  const inSquare = (x: number, y: number) => x >= 50 && x < 150 && y >= 50 && y < 150;
  const transparentPngs: Array<[string, Omit<PngSpec, 'width' | 'height'>]> = [
    ['RGBA', { colorType: 6, pixel: (x, y) => [0, 0, 0, inSquare(x, y) ? 255 : 0] }],
    ['grey and alpha', { colorType: 4, pixel: (x, y) => [0, inSquare(x, y) ? 255 : 0] }],
    ['palette with tRNS', { colorType: 3, palette: [0, 0, 0, 0, 0, 0], transparency: [0, 255], pixel: (x, y) => [inSquare(x, y) ? 1 : 0] }],
    // The colour key is the 16-bit grey 1; the square is grey 0, so black as well yet opaque.
    ['grey with a colour key', { colorType: 0, transparency: Buffer.from([0, 1]), pixel: (x, y) => [inSquare(x, y) ? 0 : 1] }],
  ];
  it.each(transparentPngs)('puts the transparent parts of a %s PNG on white paper', async (_, spec) => {
    const { converter, file, input } = setup();
    await makePng(file('logo.png'), { width: 200, height: 200, ...spec });
    await converter.convert([input('logo.png')], file('out.tif'), fineA4);
    const [page] = await readTiffPages(file('out.tif'));
    expectFaxPages([page!], 2292, 196);
    expect(page!.blackIn({ top: 0.4, bottom: 0.6, left: 0.3, right: 0.7 })).toBeGreaterThan(0.99);
    expect(page!.blackIn()).toBeLessThan(0.3);
    expect(page!.blackIn({ bottom: 0.3 })).toBe(0);
  });

  it('shows a phone photo the way up its EXIF orientation says', async () => {
    const { converter, file, input } = setup();
    // Stored landscape with its first quarter of rows black; orientation 6 puts those rows on the
    // right. Shown 400×600, the photo is a little narrower than the page, so it has side margins.
    await makeRaster(file('photo.jpg'), 'jpeg', '0 setgray 0 300 600 100 rectfill showpage', { widthPx: 600, heightPx: 400, dpi: 72 });
    await setExifOrientation(file('photo.jpg'), 6);
    await converter.convert([input('photo.jpg')], file('out.tif'), fineA4);
    const [page] = await readTiffPages(file('out.tif'));
    expectFaxPages([page!], 2292, 196);
    expect(page!.blackIn({ left: 0.76, right: 0.94 })).toBeGreaterThan(0.95);
    expect(page!.blackIn({ right: 0.7 })).toBeLessThan(0.01);
  });

  it('keeps a fax TIFF byte for byte, alone or joined with other documents', async () => {
    const { converter, file, input } = setup();
    await makeFaxTiff(file('received.tif'), 2);
    await converter.convert([input('received.tif')], file('alone.tif'), { resolution: 'standard', pageSize: 'letter' });
    expect(await readFile(file('alone.tif'))).toEqual(await readFile(file('received.tif')));

    await makePdf(file('cover.pdf'), [boxPage(0.1)]);
    const joined = await converter.convert([input('cover.pdf'), input('received.tif')], file('joined.tif'), fineA4);
    expect(joined.pages).toBe(3);
    expectFaxPages(await readTiffPages(file('joined.tif')), 2292, 196);
    expect((await rawPageData(file('joined.tif'))).slice(1)).toEqual(await rawPageData(file('received.tif')));
  });

  it('re-encodes TIFFs that are not fax TIFFs: colour, and black and white at the wrong size', async () => {
    const { converter, file, input } = setup();
    await makeRaster(file('colour.tif'), 'tiff24nc', `${boxPage(0.5)}`, a4Raster);
    await makeRaster(file('office.tif'), 'tiffg4', `${boxPage(0.5)}`, { widthPx: 1654, heightPx: 2339, dpi: 200 });
    const result = await converter.convert([input('colour.tif'), input('office.tif')], file('out.tif'), fineA4);
    expect(result.pages).toBe(2);
    const pages = await readTiffPages(file('out.tif'));
    expectFaxPages(pages, 2292, 196);
    for (const page of pages) expect(page.blackIn({ top: 0.05, bottom: 0.45 })).toBeGreaterThan(0.95);
  });

  it('joins documents in the order given: a 2-page PDF then a PNG make 3 pages', async () => {
    const { converter, file, input } = setup();
    await makePdf(file('two.pdf'), [boxPage(0), boxPage(0.5)]);
    await makeRaster(file('black.png'), 'pnggray', '0 setgray 0 0 595 842 rectfill showpage', a4Raster);
    const result = await converter.convert([input('two.pdf'), input('black.png')], file('out.tif'), fineA4);
    expect(result.pages).toBe(3);
    const pages = await readTiffPages(file('out.tif'));
    expectFaxPages(pages, 2292, 196);
    expect(pages.map((page) => Math.round(page.blackIn() * 10) / 10)).toEqual([0, 0.5, 1]);
  });

  it("leaves intermediate files in the caller's work folder when given one, and makes a folder of its own only when a document needs one", async () => {
    const { converter, file, input, tempDir, dir } = setup();
    await makePdf(file('two.pdf'), [boxPage(0), boxPage(0.5)]);
    await makeRaster(file('black.png'), 'pnggray', '0 setgray 0 0 595 842 rectfill showpage', a4Raster);
    const workDir = join(dir, 'work');
    await mkdir(workDir);
    expect((await converter.convert([input('two.pdf'), input('black.png')], file('joined.tif'), { ...fineA4, workDir })).pages).toBe(3);
    // The PNG wrapped in a PDF, and each document's pages before they were joined.
    expect((await readdir(workDir)).sort()).toEqual(['document-0.tif', 'document-1.pdf', 'document-1.tif']);
    // A single PDF renders straight into the output: no folder at all.
    expect((await converter.convert([input('two.pdf')], file('single.tif'), fineA4)).pages).toBe(2);
    expect(existsSync(tempDir)).toBe(false);
    // Without a work folder, a document that needs one gets a folder of the converter's, removed after.
    expect((await converter.convert([input('black.png')], file('image.tif'), fineA4)).pages).toBe(1);
    expect(await readdir(tempDir)).toEqual([]);
  });

  describe('refusing documents', () => {
    async function expectRefusal(run: Promise<unknown>, fileName: string, reason: DocumentConversionError['reason']) {
      const error = await run.then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(DocumentConversionError);
      expect(error).toMatchObject({ fileName, reason });
      expect((error as Error).message).toContain(fileName);
    }

    async function expectNothingLeft(dir: string, tempDir: string, inputs: string[]) {
      // The converter's own folder is made only when a document needed one.
      expect(existsSync(tempDir) ? await readdir(tempDir) : []).toEqual([]);
      expect((await readdir(dir)).filter((name) => name !== 'tmp').sort()).toEqual([...inputs].sort());
    }

    it('names a corrupt PDF, leaving no output and no temporary file', async () => {
      const { converter, file, input, dir, tempDir } = setup();
      await makePdf(file('good.pdf'), [boxPage(0.5)]);
      await writeFile(file('broken.pdf'), (await readFile(file('good.pdf'))).subarray(0, 300));
      await expectRefusal(converter.convert([input('broken.pdf')], file('out.tif'), fineA4), 'broken.pdf', 'corrupt');
      await expectRefusal(converter.convert([input('good.pdf'), input('broken.pdf')], file('out.tif'), fineA4), 'broken.pdf', 'corrupt');
      await expectNothingLeft(dir, tempDir, ['good.pdf', 'broken.pdf']);
    });

    it('refuses a PDF that ghostscript cannot read whole (a lost page) instead of faxing the pages it found', async () => {
      const { converter, file, input, dir, tempDir } = setup();
      await makeTruncatedPdf(file('cut.pdf'), [boxPage(0.25), boxPage(0.5), boxPage(0.75)]);
      await makePdf(file('good.pdf'), [boxPage(0.5)]);
      await expectRefusal(converter.convert([input('cut.pdf')], file('out.tif'), fineA4), 'cut.pdf', 'corrupt');
      await expectRefusal(converter.convert([input('good.pdf'), input('cut.pdf')], file('out.tif'), fineA4), 'cut.pdf', 'corrupt');
      await expectNothingLeft(dir, tempDir, ['cut.pdf', 'good.pdf']);
    });

    it('names corrupt images and TIFFs, including damage ghostscript would draw around', async () => {
      const { converter, file, input, dir, tempDir } = setup();
      await makeRaster(file('good.png'), 'png16m', boxPage(0.5), a4Raster);
      await makeRaster(file('good.jpg'), 'jpeg', boxPage(0.5), a4Raster);
      const png = await readFile(file('good.png'));
      await writeFile(file('cut.png'), png.subarray(0, 200));
      const damaged = Buffer.from(png);
      const pixels = damaged.indexOf('IDAT') + 100;
      for (let at = pixels; at < pixels + 8; at++) damaged[at] = damaged[at]! ^ 0x5a;
      await writeFile(file('damaged.png'), damaged);
      await writeFile(file('header.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]));
      const jpeg = await readFile(file('good.jpg'));
      await writeFile(file('half.jpg'), jpeg.subarray(0, jpeg.length / 2));
      await writeFile(file('bad.tif'), Buffer.concat([Buffer.from('II*\0'), Buffer.from('garbage, not a directory')]));
      const broken = ['cut.png', 'damaged.png', 'header.jpg', 'half.jpg', 'bad.tif'];
      for (const name of broken) {
        await expectRefusal(converter.convert([input('good.png'), input(name)], file('out.tif'), fineA4), name, 'corrupt');
      }
      await expectNothingLeft(dir, tempDir, ['good.png', 'good.jpg', ...broken]);
    });

    it('refuses a password-protected PDF as encrypted', async () => {
      const { converter, file, input, dir, tempDir } = setup();
      await makePdf(file('secret.pdf'), [boxPage(0.5)], { ownerPassword: 'a', userPassword: 'b' });
      await expectRefusal(converter.convert([input('secret.pdf')], file('out.tif'), fineA4), 'secret.pdf', 'encrypted');
      await expectNothingLeft(dir, tempDir, ['secret.pdf']);
    });

    it('refuses an empty file as empty and an unknown kind of file as unsupported', async () => {
      const { converter, file, input, dir, tempDir } = setup();
      await writeFile(file('empty.pdf'), '');
      await writeFile(file('notes.pdf'), 'just some text that claims to be a PDF by its name');
      await expectRefusal(converter.convert([input('empty.pdf')], file('out.tif'), fineA4), 'empty.pdf', 'empty');
      await expectRefusal(converter.convert([input('notes.pdf')], file('out.tif'), fineA4), 'notes.pdf', 'unsupported');
      await expectNothingLeft(dir, tempDir, ['empty.pdf', 'notes.pdf']);
    });

    it('refuses an interlaced PNG as unsupported', async () => {
      const { converter, file, input, dir, tempDir } = setup();
      await makePng(file('interlaced.png'), { width: 8, height: 8, colorType: 0, interlaced: true, pixel: () => [0] });
      await expectRefusal(converter.convert([input('interlaced.png')], file('out.tif'), fineA4), 'interlaced.png', 'unsupported');
      await expectNothingLeft(dir, tempDir, ['interlaced.png']);
    });

    it('stops a conversion that runs past its time budget', async () => {
      const { converter, file, input, dir, tempDir } = setup();
      await makePdf(file('long.pdf'), Array.from({ length: 20 }, () => boxPage(0.5)));
      await expectRefusal(converter.convert([input('long.pdf')], file('out.tif'), { ...fineA4, timeoutMs: 1 }), 'long.pdf', 'timeout');
      await expectNothingLeft(dir, tempDir, ['long.pdf']);
    });
  });
});
