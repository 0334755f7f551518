import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileDocumentStore } from '../../src/adapters/documents/fileDocumentStore.js';
import type { RecordedEvent } from '../../src/ports/eventStore.js';
import { startCrashRestartHarness, until } from '../support/crashRestartHarness.js';

// Callers (digits as the carrier sends them): R1's fax ends while faxengine is down, R2's is still going at the restart.
const R1 = '5550001111';
const R2 = '5550002222';
// Simulated durations × 0.08: about a second per page; R2's 24 pages outlast R1, the kill and the restart.
const TIME_SCALE = 0.08;

describe('faxengine SIGKILLed while it receives faxes (#15 defect 1)', () => {
  let harness: Awaited<ReturnType<typeof startCrashRestartHarness>> | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('FreeSWITCH finishes the faxes; the restarted faxengine keeps each with all its pages, as received', async () => {
    harness = await startCrashRestartHarness({
      timeScale: TIME_SCALE,
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { [R1]: { pages: 4 }, [R2]: { pages: 24 } } },
    });
    const h = harness;
    await h.provision();
    const first = h.sim.startInboundCall({ from: R1, to: '15551230000', gateway: 'carrier1' });
    const second = h.sim.startInboundCall({ from: R2, to: '15551230000', gateway: 'carrier1' });

    const streams = new Map<string, string>();
    const pagesStored = async (callUuid: string) => {
      const events = await h.reader.readAll({ streamPrefixes: ['fax-'] });
      const stream = events.find((event) => (event.data as { callUuid?: string }).callUuid === callUuid)?.stream;
      if (stream) streams.set(callUuid, stream);
      return events.filter((event) => event.stream === stream && event.type === 'FaxPageTransferred').length;
    };
    await until('a page of each fax stored', async () => (await pagesStored(first.uuid)) >= 1 && (await pagesStored(second.uuid)) >= 1);
    await h.kill();

    // The first fax goes on without faxengine: rxfax finishes, the caller is told success.
    const r1 = await first.finished;
    expect(r1.variables.fax_success).toBe('1');
    expect(r1.variables.fax_document_transferred_pages).toBe('4');

    await h.restart();
    // The second call must still be up when the new server looks at it.
    expect(h.sim.channels().some((channel) => channel.uuid === second.uuid)).toBe(true);
    const r2 = await second.finished;
    expect(r2.variables.fax_success).toBe('1');
    // The restarted faxengine waited for it rather than hanging up mid-fax.
    expect(r2.hangupCause).not.toBe('NORMAL_TEMPORARY_FAILURE');

    const history = (callUuid: string): Promise<RecordedEvent[]> => h.reader.readStream(streams.get(callUuid)!);
    const ended = async (callUuid: string) => (await history(callUuid)).some((event) => event.type === 'FaxCallEnded');
    await until('both faxes closed', async () => (await ended(first.uuid)) && (await ended(second.uuid)), 60_000);

    const documents = createFileDocumentStore(join(h.dir, 'documents'));
    for (const [callUuid, pages] of [[first.uuid, 4], [second.uuid, 24]] as const) {
      const events = await history(callUuid);
      const types = events.map((event) => event.type);
      expect(types, callUuid).not.toContain('FaxReceiveInterrupted');
      expect(types.slice(-3)).toEqual(['FaxReceived', 'FaxRouted', 'FaxCallEnded']);
      const received = events.find((event) => event.type === 'FaxReceived')!.data as { pages: number; documentId: string };
      expect(received.pages).toBe(pages);
      expect((await documents.get(received.documentId))?.pages).toBe(pages);
      const faxId = streams.get(callUuid)!.replace(/^fax-/, '');
      // The fax view is a projection: it follows the events just read a moment later.
      const view = async () => (await h.call('GET', `/v1/faxes/${faxId}`)) as { ended?: boolean };
      await until(`the view of ${faxId} ended`, async () => (await view()).ended === true, 10_000);
      expect(await view()).toMatchObject({ status: 'received', ended: true, pages, documentId: received.documentId });
    }
    await until('outcome records deleted', () => h.sim.context.db.api('count/faxengine_outcome') === '0', 30_000);
  }, 120_000);
});
