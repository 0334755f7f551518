/** The two sizes a fax page is rendered at: a thumbnail for lists, a large view for reading. */
export const pageImageSizes = ['thumb', 'large'] as const;
export type PageImageSize = (typeof pageImageSizes)[number];

/**
 * Target widths in pixels. A width is part of each image's cache name and ETag, so changing one
 * here makes new images instead of serving old ones under the same name.
 */
export const pageImageWidths: Record<PageImageSize, number> = { thumb: 200, large: 1100 };

/**
 * PNG images of a stored document's pages, rendered on first use and kept (documents never change,
 * so an image never goes stale; the cache is derived data and safe to delete).
 */
export interface PageImages {
  /**
   * The PNG of `page` (1-based) of document `documentId` at `size` (kept sealed at rest, like the
   * document). Rejects with a NotFoundError when the document is not stored or has no such page (the
   * message names its page count).
   */
  read(documentId: string, page: number, size: PageImageSize): Promise<Buffer>;
}
