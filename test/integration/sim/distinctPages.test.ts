import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { rawPageData, readTiffPages } from '../../support/faxTiffPages.js';
import { ask, collectEvents, startSim, type SimHarness } from '../../support/simHarness.js';
import { header } from '../../support/rawEsl.js';

let h: SimHarness;
beforeEach(async () => {
  h = await startSim();
});
afterEach(async () => h.close());

/** One simulated inbound call whose fax faxengine receives into `file`. */
async function receive(file: string): Promise<void> {
  h.sim.startInboundCall({ from: '+15551230000', to: '+15559870000' });
  const client = await h.faxengine.nextClient();
  client.command('connect');
  await client.next();
  await ask(client, 'event plain CHANNEL_EXECUTE_COMPLETE');
  client.command('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'rxfax', 'execute-app-arg': file });
  await collectEvents(client, (event) => event.name === 'CHANNEL_EXECUTE_COMPLETE' && header(event.headers, 'Application') === 'rxfax', 5000);
  client.end();
}

test('every inbound call writes its own page images: document storage cannot fold two calls into one', async () => {
  const [a, b] = [join(h.dir, 'a.tif'), join(h.dir, 'b.tif')];
  await receive(a);
  await receive(b);
  expect(readFileSync(a).equals(readFileSync(b))).toBe(false);
  // Both are valid fax TIFFs (libtiff reads them), same geometry, and no page of one equals a page of the other.
  const [pagesA, pagesB] = [await readTiffPages(a), await readTiffPages(b)];
  expect(pagesA.length).toBeGreaterThan(0);
  expect(pagesA.map((page) => [page.width, page.height])).toEqual(pagesB.map((page) => [page.width, page.height]));
  const [dataA, dataB] = [await rawPageData(a), await rawPageData(b)];
  for (const page of dataA) expect(dataB).not.toContain(page);
  // The stamp is a band of blocks near the top of every page (rows 100–123).
  for (const page of [...pagesA, ...pagesB]) expect(page.blackIn({ top: 100 / page.height, bottom: 124 / page.height, left: 0.01, right: 0.99 })).toBeGreaterThan(0);
});
