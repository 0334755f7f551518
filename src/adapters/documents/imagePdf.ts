import { writeFile } from 'node:fs/promises';

/** An image that cannot be put on a page as it is: broken, or of a kind we do not take. */
export class UnusableImageError extends Error {
  constructor(
    readonly reason: 'corrupt' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * For each EXIF orientation, the image matrix onto a W×H page as factors of [W H W H W H]: where
 * the stored first row and first column must end up (e.g. 6: first row on the right, first column
 * at the top).
 */
const ORIENTATION_MATRICES: Record<ExifOrientation, number[]> = {
  1: [1, 0, 0, 1, 0, 0],
  2: [-1, 0, 0, 1, 1, 0],
  3: [-1, 0, 0, -1, 1, 1],
  4: [1, 0, 0, -1, 0, 1],
  5: [0, -1, -1, 0, 1, 1],
  6: [0, -1, 1, 0, 0, 1],
  7: [0, 1, 1, 0, 0, 0],
  8: [0, 1, -1, 0, 1, 0],
};

/** A colour space whose samples need computing before they mean a colour (an alpha channel). */
export interface TintedColorSpace {
  /** Component names; the last one is usually `/A`, the alpha of the sample. */
  components: string[];
  alternate: '/DeviceGray' | '/DeviceRGB';
  /** A PDF Type 4 (PostScript calculator) function body from the components to the alternate space. */
  tintProgram: string;
}

/** An image as a PDF image XObject takes it: the compressed samples stay as the file had them. */
export interface PdfImage {
  width: number;
  height: number;
  /** Width over height of the picture as it should look (non-square pixels and orientation applied). */
  aspectRatio: number;
  /** How the stored rows and columns are to be shown (EXIF): 1 as stored, 5–8 turned a quarter. */
  orientation?: ExifOrientation;
  colorSpace: string | TintedColorSpace;
  bitsPerComponent: number;
  /** Further image dictionary entries: `/Filter`, `/DecodeParms`, `/Decode`, `/Mask`. */
  entries: string;
  data: Buffer;
}

// Only the shape of the page matters, since ghostscript scales it to the fax page anyway.
const LONG_SIDE_POINTS = 1000;

/**
 * Writes a one-page PDF that shows `image` filling the page. This is how PNG and JPEG reach
 * ghostscript without decoding them here: the JPEG bytes are a DCTDecode stream as they are, and
 * PNG's IDAT data is a FlateDecode stream whose PNG predictor PDF knows. Ghostscript then does all
 * the pixel work (decoding, scaling, dithering to black and white) in its own process.
 */
export async function writeImagePdf(path: string, image: PdfImage): Promise<void> {
  const scale = LONG_SIDE_POINTS / Math.max(image.aspectRatio, 1);
  const pageWidth = round(scale * image.aspectRatio);
  const pageHeight = round(scale);
  const sides = [pageWidth, pageHeight, pageWidth, pageHeight, pageWidth, pageHeight];
  const matrix = ORIENTATION_MATRICES[image.orientation ?? 1].map((factor, index) => round(factor * sides[index]!));
  const content = Buffer.from(`q ${matrix.join(' ')} cm /Im0 Do Q`, 'latin1');

  const tinted = typeof image.colorSpace === 'string' ? undefined : image.colorSpace;
  const colorSpace = tinted ? `[/DeviceN [${tinted.components.join(' ')}] ${tinted.alternate} 6 0 R]` : image.colorSpace;
  const objects: Array<string | [string, Buffer]> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pageWidth} ${pageHeight}] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>`,
    [`<< /Length ${content.length} >>`, content],
    [
      `<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace ${colorSpace} ` +
        `/BitsPerComponent ${image.bitsPerComponent} ${image.entries} /Length ${image.data.length} >>`,
      image.data,
    ],
  ];
  if (tinted) {
    const program = Buffer.from(`{ ${tinted.tintProgram} }`, 'latin1');
    const domain = tinted.components.map(() => '0 1').join(' ');
    const range = tinted.alternate === '/DeviceGray' ? '0 1' : '0 1 0 1 0 1';
    objects.push([`<< /FunctionType 4 /Domain [${domain}] /Range [${range}] /Length ${program.length} >>`, program]);
  }
  await writeFile(path, assemble(objects));
}

function assemble(objects: Array<string | [string, Buffer]>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]!.length;
  const push = (part: Buffer) => {
    parts.push(part);
    length += part.length;
  };
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(length);
    if (typeof object === 'string') {
      push(Buffer.from(`${index + 1} 0 obj\n${object}\nendobj\n`, 'latin1'));
      return;
    }
    push(Buffer.from(`${index + 1} 0 obj\n${object[0]}\nstream\n`, 'latin1'));
    push(object[1]);
    push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  });
  const xref = length;
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}` +
        `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
      'latin1',
    ),
  );
  return Buffer.concat(parts, length);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
