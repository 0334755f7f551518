import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/ports/eventStore.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';
import { acceptedCall } from '../../support/faxFixtures.js';
import { startInboundHarness } from '../../support/inboundHarness.js';

const scenario = { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550001111': { pages: 2 } } };

/** The store, with the append of FaxCallOffered held until `release` (or failed by `fail`). */
function gatedOffer(store: EventStore) {
  let open!: () => void;
  let refuse!: (error: Error) => void;
  const gate = new Promise<void>((resolve, reject) => {
    open = resolve;
    refuse = reject;
  });
  const wrapped: EventStore = Object.create(store) as EventStore;
  wrapped.append = async (stream, events, expected) => {
    if (events.some((event) => event.type === 'FaxCallOffered')) await gate;
    return store.append(stream, events, expected);
  };
  return { wrapped, release: () => open(), fail: (error: Error) => refuse(error) };
}

const executedApps = (harness: Awaited<ReturnType<typeof startInboundHarness>>, callUuid: string) =>
  harness.sim.commandLog(callUuid).map((entry) => entry.headers['execute-app-name']).filter(Boolean);

describe('an inbound call is answered only once its fax is recorded', () => {
  let harness: Awaited<ReturnType<typeof startInboundHarness>> | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** A call offered to a receive path whose FaxCallOffered append waits at the gate. */
  async function callOfferedBehindGate() {
    let gate: ReturnType<typeof gatedOffer> | undefined;
    const started = await startInboundHarness({
      screen: (_, faxId, spool) => acceptedCall(faxId, spool),
      scenario,
      wrapEventStore: (store) => (gate = gatedOffer(store)).wrapped,
    });
    harness = started;
    const call = started.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    await waitFor(() => started.faxIds.length === 1, 5000);
    return { gate: gate!, call, started };
  }

  it('sends no dialplan application while FaxCallOffered is not stored, and receives the fax after', async () => {
    const { gate, call, started } = await callOfferedBehindGate();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A SIGKILL now would leave no call FreeSWITCH answered without a record of it.
    expect(executedApps(started, call.uuid)).toEqual([]);
    expect(started.sim.channels().find((channel) => channel.uuid === call.uuid)?.answerState).not.toBe('answered');

    gate.release();
    await call.finished;
    await waitFor(() => started.runtime.liveFaxIds().length === 0, 10_000);
    expect(executedApps(started, call.uuid)).toContain('answer');
    const types = (await started.eventsOf(started.faxIds[0]!)).map((event) => event.type);
    expect(types.slice(0, 2)).toEqual(['FaxCallOffered', 'FaxCallAnswered']);
    expect(types).toContain('FaxReceived');
  });

  it('does not answer a call whose fax cannot be recorded: the caller hears a temporary failure', async () => {
    const { gate, call, started } = await callOfferedBehindGate();
    gate.fail(new Error('disk full'));
    const summary = await call.finished;
    expect(executedApps(started, call.uuid)).not.toContain('answer');
    expect(summary.answerState).not.toBe('answered');
    expect(summary.hangupCause).toBe('NORMAL_TEMPORARY_FAILURE');
  });
});
