import { FAX_WIDTH_PX, FAX_X_DPI, FAX_Y_DPI } from './ghostscriptCommands.js';

/** What `tiffinfo` says about one page (directory) of a TIFF, as far as fax sending cares. */
export interface TiffPageFacts {
  width: number;
  xDpi: number | undefined;
  yDpi: number | undefined;
  bitsPerSample: number;
  samplesPerPixel: number;
  compression: string;
}

const CM_PER_INCH = 2.54;
// Encoders write T.4's metric resolutions (8 dots/mm, 7.7 lines/mm) as 203.2 × 195.6 dpi, or as the
// round numbers 204 × 196: anything this close is the same fax resolution.
const DPI_TOLERANCE = 2.5;
const FAX_COMPRESSIONS = new Set(['CCITT Group 3', 'CCITT Group 4']);

/** The pages of `tiffinfo` output, in order. Tags a page lacks take their TIFF defaults. */
export function parseTiffinfo(stdout: string): TiffPageFacts[] {
  return stdout
    .split(/^TIFF Directory at offset.*$/m)
    .slice(1)
    .map((page) => {
      const resolution = /Resolution: ([\d.]+), ([\d.]+)(?: (pixels\/inch|pixels\/cm))?/.exec(page);
      const perInch = resolution?.[3] === 'pixels/cm' ? CM_PER_INCH : resolution?.[3] === 'pixels/inch' ? 1 : undefined;
      return {
        width: Number(/Image Width: (\d+)/.exec(page)?.[1] ?? 0),
        xDpi: resolution && perInch ? Number(resolution[1]) * perInch : undefined,
        yDpi: resolution && perInch ? Number(resolution[2]) * perInch : undefined,
        bitsPerSample: Number(/Bits\/Sample: (\d+)/.exec(page)?.[1] ?? 1),
        samplesPerPixel: Number(/Samples\/Pixel: (\d+)/.exec(page)?.[1] ?? 1),
        compression: /Compression Scheme: (.+)$/m.exec(page)?.[1]?.trim() ?? 'None',
      };
    });
}

/**
 * A page spandsp can send as it is: black and white, G3 or G4, 1728 px across at 204 dpi, at fine
 * or standard vertical resolution. Such pages are kept untouched rather than re-rendered.
 */
export function isFaxPage(page: TiffPageFacts): boolean {
  const near = (value: number | undefined, target: number) => value !== undefined && Math.abs(value - target) <= DPI_TOLERANCE;
  return (
    page.width === FAX_WIDTH_PX &&
    page.bitsPerSample === 1 &&
    page.samplesPerPixel === 1 &&
    FAX_COMPRESSIONS.has(page.compression) &&
    near(page.xDpi, FAX_X_DPI) &&
    (near(page.yDpi, FAX_Y_DPI.fine) || near(page.yDpi, FAX_Y_DPI.standard))
  );
}
