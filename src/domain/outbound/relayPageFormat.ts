import type { PageSize, Resolution } from './outboundFaxEvents.js';

/** One received page: its length in rows and its vertical resolution in dpi (when the file says). */
export interface FaxPageExtent {
  lengthPx: number;
  yDpi?: number;
}

// Fine is 7.7 lines/mm (195.6 dpi), standard 3.85 (97.8): anything above the middle is fine.
const FINE_ABOVE_DPI = 147;
// Letter is 11 in long, A4 11.69 in: the nearer one, split halfway.
const A4_FROM_INCHES = (11 + 297 / 25.4) / 2;

/**
 * What a relayed fax is: the received pages go on as they arrived (faxengine never re-renders a
 * relay), so its resolution and page size are the received document's. Fine unless every page is
 * standard; the page size is the nearer of A4 and Letter to the first page's length. A page with
 * no resolution counts as fine, T.4's usual.
 */
export function relayPageFormat(pages: readonly FaxPageExtent[]): { resolution: Resolution; pageSize: PageSize } {
  const dpi = (page: FaxPageExtent) => page.yDpi ?? 196;
  const resolution: Resolution = pages.length > 0 && pages.every((page) => dpi(page) <= FINE_ABOVE_DPI) ? 'standard' : 'fine';
  const first = pages[0];
  const pageSize: PageSize = first && first.lengthPx / dpi(first) >= A4_FROM_INCHES ? 'a4' : 'letter';
  return { resolution, pageSize };
}
