import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Channel } from './channel.js';
import { markAnswered } from './channelOps.js';
import { runFax, type FaxDocument } from './faxSession.js';
import type { Application, SimContext } from './simContext.js';
import { T30 } from './t30Codes.js';
import { readTiffPages, TiffError } from './tiffReader.js';
import { faxPage } from './tiffWriter.js';

/** Parsed documents by path, valid while size and mtime match: load tests send one file thousands of times. */
const documents = new Map<string, { version: string; doc: FaxDocument }>();

/** Pages a file holds, or the T.30 code spandsp ends with when it cannot use it (41/43). */
async function readDocument(path: string): Promise<FaxDocument> {
  try {
    const info = await stat(path);
    const version = `${info.size}:${info.mtimeMs}`;
    const cached = documents.get(path);
    if (cached?.version === version) return cached.doc;
    const doc = { pages: readTiffPages(await readFile(path)) };
    if (documents.size > 256) documents.clear();
    documents.set(path, { version, doc });
    return doc;
  } catch (error) {
    const code = error instanceof TiffError && error.kind === 'not-fax' ? T30.BADTIFF : T30.FILEERROR;
    return { pages: [], fileError: code };
  }
}

/** What the remote caller sends: its document's pages, or `pages` generated pages. */
async function stationDocument(channel: Channel): Promise<FaxDocument> {
  const { document, pages, fine } = channel.station;
  if (document !== undefined) {
    const doc = await readDocument(document);
    if (doc.fileError === undefined) return doc;
  }
  return { pages: Array.from({ length: pages }, () => faxPage(fine)) };
}

/** `rxfax [file]`: answers if needed and receives (reference §3.1); without a file, spool-dir naming. */
export const rxfax: Application = async (ctx: SimContext, channel: Channel, arg: string) => {
  const spool = channel.getVar('fax_spool') ?? '/tmp';
  const prefix = channel.getVar('fax_prefix') ?? 'faxrx';
  const file = arg || `${spool}/${prefix}-${ctx.channels.sessionsSinceStartup}-${Date.now() * 1000}.tif`;
  markAnswered(ctx, channel);
  await runFax(ctx, channel, 'rx', file, await stationDocument(channel));
};

/**
 * `txfax <file>`: the early errors fire no spandsp event and only set `current_application_response`
 * (reference §1.8, §3.5); a file that exists but is no fax TIFF fails inside T.30 (41/43).
 */
export const txfax: Application = async (ctx: SimContext, channel: Channel, arg: string) => {
  if (arg === '') {
    channel.setVar('current_application_response', 'Fax TX filename not set');
    return;
  }
  markAnswered(ctx, channel);
  if (!existsSync(arg)) {
    channel.setVar('current_application_response', 'Cannot send non-existant fax file');
    return;
  }
  await runFax(ctx, channel, 'tx', arg, await readDocument(arg));
};

