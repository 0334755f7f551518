import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { createInflate } from 'node:zlib';
import { UnusableImageError, type PdfImage, type TintedColorSpace } from './imagePdf.js';

/** A PNG as a PDF image, with the size its pixel data must inflate to. */
export interface PngImage extends PdfImage {
  inflatedLength: number;
}

const SIGNATURE_BYTES = 8;
const GRAY = 0;
const RGB = 2;
const PALETTE = 3;
const GRAY_ALPHA = 4;
const RGB_ALPHA = 6;
const CHANNELS: Record<number, number> = { [GRAY]: 1, [RGB]: 3, [PALETTE]: 1, [GRAY_ALPHA]: 2, [RGB_ALPHA]: 4 };

// Alpha is composited over white paper: c' = c·a + (1 − a), for each colour component.
const OVER_WHITE_GRAY = 'dup 1 exch sub 3 -1 roll 2 index mul 1 index add 3 1 roll pop pop';
const OVER_WHITE_RGB =
  'dup 1 exch sub ' +
  '5 -1 roll 2 index mul 1 index add 5 1 roll ' +
  '4 -1 roll 2 index mul 1 index add 4 1 roll ' +
  '3 -1 roll 2 index mul 1 index add 3 1 roll ' +
  'pop pop';

/**
 * Describes a PNG as a PDF image without decoding its pixels. PNG's zlib stream with per-row
 * filters is exactly PDF's FlateDecode with `/Predictor 15`, so the IDAT chunks are passed on as
 * they are. Transparency is kept as a PDF does it: a colour-key `/Mask` for `tRNS` on grey or RGB,
 * palette entries pre-blended over white, and alpha channels through a DeviceN colour space whose
 * tint function blends over white. Interlaced PNGs are refused: no PDF filter undoes Adam7.
 */
export function describePng(file: Buffer): PngImage {
  const chunks = readChunks(file);
  const header = chunks.find((chunk) => chunk.type === 'IHDR')?.data;
  if (!header || header.length < 13) throw new UnusableImageError('corrupt', 'PNG has no image header');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const bitDepth = header[8]!;
  const colorType = header[9]!;
  const channels = CHANNELS[colorType];
  if (width === 0 || height === 0 || channels === undefined) throw new UnusableImageError('corrupt', 'PNG header is invalid');
  if (header[12] !== 0) throw new UnusableImageError('unsupported', 'interlaced PNG');

  const data = Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data));
  if (data.length === 0) throw new UnusableImageError('corrupt', 'PNG has no image data');
  const transparency = chunks.find((chunk) => chunk.type === 'tRNS')?.data;
  const decodeParms = `/DecodeParms << /Predictor 15 /Colors ${channels} /BitsPerComponent ${bitDepth} /Columns ${width} >>`;
  let colorSpace: string | TintedColorSpace;
  let mask = '';
  switch (colorType) {
    case PALETTE:
      colorSpace = indexedColorSpace(chunks.find((chunk) => chunk.type === 'PLTE')?.data, transparency);
      break;
    case GRAY_ALPHA:
      colorSpace = { components: ['/Gray', '/A'], alternate: '/DeviceGray', tintProgram: OVER_WHITE_GRAY };
      break;
    case RGB_ALPHA:
      colorSpace = { components: ['/R', '/G', '/B', '/A'], alternate: '/DeviceRGB', tintProgram: OVER_WHITE_RGB };
      break;
    default:
      colorSpace = colorType === GRAY ? '/DeviceGray' : '/DeviceRGB';
      mask = transparency ? colourKeyMask(transparency, channels) : '';
  }
  return {
    width,
    height,
    aspectRatio: (width / height) * pixelAspect(chunks.find((chunk) => chunk.type === 'pHYs')?.data),
    colorSpace,
    bitsPerComponent: bitDepth,
    entries: `/Filter /FlateDecode ${decodeParms} ${mask}`,
    data,
    // One filter-type byte, then the packed samples, for each row.
    inflatedLength: height * (1 + Math.ceil((width * channels * bitDepth) / 8)),
  };
}

/**
 * Inflates the pixel data, counting bytes and keeping none, to find damage that ghostscript would
 * silently draw as a half-empty page. zlib runs on libuv's thread pool, not on the event loop; its
 * Adler-32 checksum catches flipped bytes, the count catches truncation.
 */
export async function verifyPngData(png: PngImage): Promise<void> {
  let inflated = 0;
  const count = new Writable({
    write(chunk: Buffer, _encoding, done) {
      inflated += chunk.length;
      done(inflated > png.inflatedLength ? new UnusableImageError('corrupt', 'PNG holds more data than its size') : null);
    },
  });
  try {
    await pipeline(Readable.from([png.data]), createInflate(), count);
  } catch (error) {
    if (error instanceof UnusableImageError) throw error;
    throw new UnusableImageError('corrupt', `PNG image data is damaged: ${(error as Error).message}`);
  }
  if (inflated !== png.inflatedLength) throw new UnusableImageError('corrupt', 'PNG image data is truncated');
}

function readChunks(file: Buffer): Array<{ type: string; data: Buffer }> {
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let offset = SIGNATURE_BYTES; ; ) {
    if (offset + 12 > file.length) throw new UnusableImageError('corrupt', 'PNG is truncated');
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > file.length) throw new UnusableImageError('corrupt', `PNG is truncated in its ${type} chunk`);
    if (type === 'IEND') return chunks;
    chunks.push({ type, data: file.subarray(offset + 8, offset + 8 + length) });
    offset = end;
  }
}

function indexedColorSpace(palette: Buffer | undefined, alphas: Buffer | undefined): string {
  if (!palette || palette.length === 0 || palette.length % 3 !== 0) throw new UnusableImageError('corrupt', 'PNG palette is missing');
  const blended = Buffer.from(palette);
  for (let entry = 0; entry < (alphas?.length ?? 0) && entry * 3 < blended.length; entry++) {
    const alpha = alphas![entry]!;
    for (let at = entry * 3; at < entry * 3 + 3; at++) blended[at] = Math.round((blended[at]! * alpha) / 255 + 255 - alpha);
  }
  return `[/Indexed /DeviceRGB ${palette.length / 3 - 1} <${blended.toString('hex')}>]`;
}

function colourKeyMask(transparency: Buffer, channels: number): string {
  if (transparency.length < channels * 2) return '';
  const values = Array.from({ length: channels }, (_, index) => transparency.readUInt16BE(index * 2));
  return `/Mask [${values.map((value) => `${value} ${value}`).join(' ')}]`;
}

/** Width of one pixel over its height, from `pHYs` (which gives the ratio even with no unit). */
function pixelAspect(physical: Buffer | undefined): number {
  if (!physical || physical.length < 9) return 1;
  const perMetreX = physical.readUInt32BE(0);
  const perMetreY = physical.readUInt32BE(4);
  return perMetreX > 0 && perMetreY > 0 ? perMetreY / perMetreX : 1;
}
