import { UnusableImageError, type ExifOrientation, type PdfImage } from './imagePdf.js';

const COLOR_SPACES: Record<number, string> = { 1: '/DeviceGray', 3: '/DeviceRGB', 4: '/DeviceCMYK' };
const ORIENTATION_TAG = 0x0112;
const END_OF_IMAGE = Buffer.from([0xff, 0xd9]);
const LOSSLESS_FRAMES = new Set([0xc3, 0xc7, 0xcb, 0xcf]);
const STANDALONE_MARKERS = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7]);

/**
 * Describes a JPEG as a PDF image: the file itself is the DCTDecode stream, so only the frame
 * header (size, components) and the hints that change its meaning (JFIF pixel density, Adobe's
 * inverted CMYK, the camera's EXIF orientation, so that a phone photo of a page is not faxed on
 * its side) are read here. Decoding is ghostscript's job.
 */
export function describeJpeg(file: Buffer): PdfImage {
  let adobe = false;
  let pixelAspect = 1;
  let orientation: ExifOrientation = 1;
  for (let offset = 2; offset + 4 <= file.length; ) {
    if (file[offset] !== 0xff) throw new UnusableImageError('corrupt', 'JPEG marker expected');
    const marker = file[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (STANDALONE_MARKERS.has(marker)) {
      offset += 2;
      continue;
    }
    const length = file.readUInt16BE(offset + 2);
    const segment = file.subarray(offset + 4, offset + 2 + length);
    if (marker === 0xe0 && segment.toString('latin1', 0, 5) === 'JFIF\0') pixelAspect = jfifPixelAspect(segment);
    if (marker === 0xee && segment.toString('latin1', 0, 5) === 'Adobe') adobe = true;
    if (marker === 0xe1 && segment.toString('latin1', 0, 6) === 'Exif\0\0') orientation = exifOrientation(segment.subarray(6));
    if (isStartOfFrame(marker)) {
      if (segment.length < 6) throw new UnusableImageError('corrupt', 'JPEG frame header is truncated');
      // Ghostscript's DCT decoder takes 8-bit baseline and progressive JPEGs only.
      if (segment[0] !== 8 || LOSSLESS_FRAMES.has(marker)) throw new UnusableImageError('unsupported', 'JPEG is lossless or not 8-bit');
      const height = segment.readUInt16BE(1);
      const width = segment.readUInt16BE(3);
      const components = segment[5]!;
      const colorSpace = COLOR_SPACES[components];
      if (!colorSpace || width === 0 || height === 0) throw new UnusableImageError('corrupt', 'JPEG frame header is invalid');
      // Entropy-coded data never holds FF D9, so a JPEG cut short has no end-of-image marker after
      // its frame header; ghostscript would silently draw the missing part grey.
      if (file.indexOf(END_OF_IMAGE, offset) === -1) throw new UnusableImageError('corrupt', 'JPEG is truncated');
      // Photoshop writes CMYK JPEGs inverted and marks them with an Adobe segment.
      const decode = components === 4 && adobe ? '/Decode [1 0 1 0 1 0 1 0]' : '';
      const storedAspect = (width / height) * pixelAspect;
      return {
        width,
        height,
        aspectRatio: orientation >= 5 ? 1 / storedAspect : storedAspect,
        orientation,
        colorSpace,
        bitsPerComponent: 8,
        entries: `/Filter /DCTDecode ${decode}`,
        data: file,
      };
    }
    offset += 2 + length;
  }
  throw new UnusableImageError('corrupt', 'JPEG has no frame header');
}

function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Width of one pixel over its height; JFIF gives the ratio whatever its density unit. */
function jfifPixelAspect(segment: Buffer): number {
  if (segment.length < 12) return 1;
  const xDensity = segment.readUInt16BE(8);
  const yDensity = segment.readUInt16BE(10);
  return xDensity > 0 && yDensity > 0 ? yDensity / xDensity : 1;
}

/** The EXIF Orientation tag (0x0112) of IFD0, read from the TIFF structure inside an APP1 segment. */
function exifOrientation(tiff: Buffer): ExifOrientation {
  if (tiff.length < 8) return 1;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const ifd = little ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
  if (ifd + 2 > tiff.length) return 1;
  const entries = u16(ifd);
  for (let entry = 0; entry < entries && ifd + 2 + entry * 12 + 12 <= tiff.length; entry++) {
    const at = ifd + 2 + entry * 12;
    if (u16(at) !== ORIENTATION_TAG) continue;
    const value = u16(at + 8);
    return value >= 1 && value <= 8 ? (value as ExifOrientation) : 1;
  }
  return 1;
}
