import type { Station } from './scenario.js';
import type { PageStats } from './faxEvents.js';
import type { FaxPage } from './tiffWriter.js';

const RATES = [14400, 12000, 9600, 7200, 4800, 2400];

/** The next lower modem speed after a failed training (V.17 → V.29 → V.27ter). */
export const fallbackRate = (rate: number): number => RATES[RATES.indexOf(rate) + 1] ?? 2400;

/** Line resolution in pixels per metre, snapped to the T.30 resolutions (reference §3.5). */
export function lineResolution(page: FaxPage): string {
  const x = page.width > 1728 ? 16080 : 8040;
  const y = page.yDpi < 150 ? 3850 : page.yDpi < 300 ? 7700 : 15400;
  return `${x}x${y}`;
}

/** spandsp truncates: 204×196 dpi is 8031x7716 (audio.raw). */
const perMetre = (dpi: number): number => Math.floor(dpi / 0.0254);

/** Realistic page time: ~12 s for a fine page at 14,400 bit/s, longer at lower rates (issue §6). */
export const pageSeconds = (page: FaxPage, rate: number): number => (page.yDpi < 150 ? 7 : 12) * (14400 / rate);

/** Statistics spandsp reports for page `index` (0-based) of a document. */
export function pageStats(page: FaxPage, index: number, totalPages: number, ecm: boolean, station: Station): PageStats {
  const badRows = !ecm && station.badRowPages.includes(index + 1) ? station.badRows : 0;
  return {
    transferred: index + 1,
    totalPages,
    resolution: lineResolution(page),
    fileResolution: `${perMetre(page.xDpi)}x${perMetre(page.yDpi)}`,
    pixelSize: `${page.width}x${page.length}`,
    imageSize: Math.round((page.width * page.length) / 8 / (ecm ? 14 : 7)) + index * 97,
    badRows,
    longestBadRun: Math.ceil(badRows / 3),
    // Two spandsp 2023 stations with ECM pick T.85 (JBIG) L0 (audio.raw, osock-audio.raw).
    encoding: ecm ? 32 : 4,
    encodingName: ecm ? 'T.85(L0)' : 'T.4 2-D',
  };
}


