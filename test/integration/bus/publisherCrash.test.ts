import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { decodeFaxEventMessage } from '../../../src/domain/faxEventMessage.js';
import { testKafkaBrokers } from '../../support/kafkaBroker.js';
import { readTopicWithKcat } from '../../support/kafkaTopicReader.js';
import { makeTempDir } from '../../support/tempDir.js';
import { tsxLoader } from '../../support/tsxLoader.js';
import { waitUntil } from './waitUntil.js';

const childEntry = new URL('../../support/kafkaPublisherChild.ts', import.meta.url).pathname;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startPublisherProcess(path: string, broker: string, topic: string) {
  const child = spawn(process.execPath, ['--import', tsxLoader, childEntry, path, broker, topic], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return { child, exited, output: () => output };
}

it('loses nothing when the publishing process is killed mid-publish and started again', { timeout: 120_000 }, async () => {
  const dir = makeTempDir('publisher-crash');
  cleanups.push(dir.remove);
  const path = join(dir.path, 'events.sqlite');
  const store = createSqliteEventStore({ path });
  cleanups.push(() => store.close());
  const [broker] = testKafkaBrokers();
  const topic = `fax-events-crash-${randomUUID()}`;
  const checkpointName = `bus-publisher:${topic}`;
  const faxIds = Array.from({ length: 50 }, () => randomUUID());
  const appended: string[] = [];
  const appendRound = async (round: number) => {
    // One round's appends share a group commit; awaiting each alone would be needlessly slow.
    const batches = faxIds.map((faxId) => {
      const events = Array.from({ length: 4 }, (_, index) => ({ id: randomUUID(), type: 'FaxPageTransferred', data: { round, index } }));
      appended.push(...events.map((event) => event.id));
      return store.append(`fax-${faxId}`, events);
    });
    await Promise.all(batches);
  };
  // Appended before the publisher runs: two processes writing one SQLite file at once is not what
  // this test is about (the publisher writes its checkpoints there).
  for (let round = 0; round < 100; round++) await appendRound(round);

  const first = startPublisherProcess(path, broker!, topic);
  await waitUntil(() => first.output().includes('publishing'), 30_000, first.output);
  let checkpointAtKill = 0;
  while (checkpointAtKill === 0) {
    checkpointAtKill = (await store.checkpoints.load(checkpointName)) ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  first.child.kill('SIGKILL');
  await first.exited;
  checkpointAtKill = (await store.checkpoints.load(checkpointName)) ?? 0;
  for (let round = 100; round < 105; round++) await appendRound(round);
  const head = (await store.readAll({ after: 0 })).at(-1)!.position;
  expect(checkpointAtKill).toBeGreaterThan(0);
  expect(checkpointAtKill).toBeLessThan(head - 1_000);

  const second = startPublisherProcess(path, broker!, topic);
  await waitUntil(() => second.output().includes('publishing'), 30_000, second.output);
  const deadline = Date.now() + 60_000;
  while (((await store.checkpoints.load(checkpointName)) ?? 0) < head && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await store.checkpoints.load(checkpointName)).toBe(head);

  const messages = await readTopicWithKcat(broker!, topic, appended.length);
  const onTopic = messages.map((message) => decodeFaxEventMessage(message.payload));
  expect(new Set(onTopic.map((message) => message.eventId))).toEqual(new Set(appended));
  // Duplicates are allowed (at-least-once), disorder is not: per fax, the first sighting of each revision is in order.
  const firstSightings = new Map<string, number[]>();
  for (const message of onTopic) {
    const seen = firstSightings.get(message.faxId) ?? [];
    if (!seen.includes(message.revision)) seen.push(message.revision);
    firstSightings.set(message.faxId, seen);
  }
  for (const revisions of firstSightings.values()) expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
});
