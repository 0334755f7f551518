import { createChainCheck, type ChainBreak, type ChainHead } from '../../domain/access/accessChain.js';
import type { EventStore } from '../../ports/eventStore.js';

export interface AccessChainReport {
  stream: string;
  ok: boolean;
  entries: number;
  head: ChainHead;
  broken: ChainBreak | null;
}

/**
 * Checks one trail's hash chain from its first entry, a page at a time (the trail grows with every
 * read: never read whole), yielding to the event loop between pages so requests go on meanwhile.
 */
export async function checkAccessChain(eventStore: EventStore, stream: string, pageSize = 1000): Promise<AccessChainReport> {
  const check = createChainCheck();
  for (let from = 0; ; ) {
    const page = await eventStore.readStream(stream, { fromRevision: from, maxCount: pageSize });
    check.feed(page);
    const last = page.at(-1);
    if (page.length < pageSize || !last || check.result().broken) break;
    from = last.revision + 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { stream, ...check.result() };
}
