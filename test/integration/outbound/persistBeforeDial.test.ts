import { afterEach, describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '../../../src/ports/eventStore.js';
import { startOutboundHarness } from '../../support/outboundHarness.js';

type Harness = Awaited<ReturnType<typeof startOutboundHarness>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const startsAttempt = (events: readonly NewEvent[]) => events.some((event) => event.type === 'FaxSendAttemptStarted');

/** An event store whose appends holding FaxSendAttemptStarted wait for `gate` (and may then fail). */
function gatedStore(store: EventStore, gate: Promise<'store' | 'conflict'>, held: { count: number }): EventStore {
  return Object.assign(Object.create(store) as EventStore, {
    appendsInCallOrder: store.appendsInCallOrder,
    async append(stream: string, events: NewEvent[], expected: Parameters<EventStore['append']>[2]) {
      if (!startsAttempt(events)) return store.append(stream, events, expected);
      held.count += 1;
      if ((await gate) === 'conflict') throw new WrongExpectedRevisionError(stream, expected ?? 'any', 99);
      return store.append(stream, events, expected);
    },
  });
}

describe('persist the intent, then dial (FaxSendAttemptStarted is durable before the originate)', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('sends no originate while FaxSendAttemptStarted is not stored, and dials once it is', async () => {
    let release!: (outcome: 'store' | 'conflict') => void;
    const gate = new Promise<'store' | 'conflict'>((resolve) => (release = resolve));
    const held = { count: 0 };
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} } }, wrapEventStore: (store) => gatedStore(store, gate, held) });
    const faxId = await harness.queue({ to: '+15557654321' });
    for (let tries = 0; tries < 400 && held.count === 0; tries++) await sleep(10);
    expect(held.count).toBe(1);
    // The append is held: give a premature originate every chance to reach the simulator.
    await sleep(300);
    expect(harness.originates()).toHaveLength(0);
    expect(await harness.types(faxId)).not.toContain('FaxSendAttemptStarted');

    release('store');
    const events = await harness.finished(faxId);
    expect(events.at(-1)!.type).toBe('FaxSent');
    const started = events.find((event) => event.type === 'FaxSendAttemptStarted')!;
    expect(harness.originates()).toHaveLength(1);
    expect(harness.originates()[0]!.command).toContain(`origination_uuid=${(started.data as { callUuid: string }).callUuid}`);
  });

  it('dials nothing when the append fails (another writer), and stops driving the fax', async () => {
    const held = { count: 0 };
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} } }, wrapEventStore: (store) => gatedStore(store, Promise.resolve('conflict'), held) });
    const faxId = await harness.queue({ to: '+15557654321' });
    for (let tries = 0; tries < 400 && held.count === 0; tries++) await sleep(10);
    expect(held.count).toBe(1);
    for (let tries = 0; tries < 400 && harness.runtime.activeFaxIds().includes(faxId); tries++) await sleep(10);
    expect(harness.runtime.activeFaxIds()).not.toContain(faxId);
    // The actor is gone; an originate it had sent would be in the simulator's log by now.
    await sleep(300);
    expect(harness.originates()).toHaveLength(0);
    expect(harness.sim.channels()).toHaveLength(0);
    expect(harness.scheduler.inUse()).toBe(0);
    expect(await harness.types(faxId)).toEqual(['FaxQueued', 'FaxDocumentPrepared']);
  });
});
