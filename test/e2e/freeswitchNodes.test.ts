import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore } from '../../src/adapters/eventStore/openEventStore.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { okJson } from '../support/e2eProvisioning.js';
import { basicAuth, testAdminKey } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';
import { recordOriginatedCalls } from '../support/simOriginatedCalls.js';
import { startServerWithTwoNodes } from '../support/twoNodeHarness.js';

type Env = Awaited<ReturnType<typeof startServerWithTwoNodes>>;
type Json = Record<string, unknown>;
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } } };

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function provision(env: Env): Promise<void> {
  const acme = await okJson(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
  await okJson(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000' }));
  await okJson(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } }));
}

const readyz = async (env: Env) => {
  const response = await env.call('GET', '/readyz', undefined, null);
  return { status: response.status, body: (await response.json()) as { dependencies: Record<string, string> } };
};
const bothNodesUp = async (env: Env) => {
  const { status, body } = await readyz(env);
  return status === 200 && body.dependencies['freeswitch.fs1'] === 'ok' && body.dependencies['freeswitch.fs2'] === 'ok';
};
/** `api …` commands a simulator received on its inbound event-socket connections. */
const apiCommands = (sim: Simulator) =>
  sim
    .connections()
    .filter((connection) => connection.kind === 'inbound')
    .flatMap((connection) => sim.commandLog(connection.id))
    .map((entry) => entry.command);

describe('several FreeSWITCH nodes (#20)', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  async function sendFaxes(count: number, firstNumber: number, pdf: Uint8Array): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const form = new FormData();
      form.set('to', String(5557000000 + firstNumber + index));
      form.set('from', '5551230000');
      form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'letter.pdf');
      const response = await fetch(`http://127.0.0.1:${env!.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: basicAuth('admin', testAdminKey) }, body: form });
      ids.push(String((await okJson(response)).id));
    }
    return ids;
  }

  it('spreads outbound faxes over both nodes and records each attempt’s node; a node that is down gets no new call and /readyz names it', async () => {
    env = await startServerWithTwoNodes({ scenario });
    await provision(env);
    await until('both nodes connected', () => bothNodesUp(env!));
    const originated = [recordOriginatedCalls(env.sim(0)), recordOriginatedCalls(env.sim(1))];
    const { pdf } = await makeSubmissionDocuments(env.dataDir);

    const first = await sendFaxes(8, 0, pdf);
    const views = await until('the first faxes sent', async () => {
      const faxes = await Promise.all(first.map(async (id) => okJson(await env!.call('GET', `/v1/faxes/${id}`))));
      return faxes.every((fax) => fax.status === 'sent') && faxes;
    });
    const [atFs1, atFs2] = originated.map((calls) => calls.calls().length) as [number, number];
    expect(atFs1 + atFs2).toBe(8);
    expect(atFs1).toBeGreaterThan(0);
    expect(atFs2).toBeGreaterThan(0);
    // Each attempt records the node that really had its call.
    for (const fax of views) {
      const events = (await okJson(await env.call('GET', `/v1/faxes/${String(fax.faxId)}/events`))).items as Array<{ type: string; data: Json }>;
      const started = events.find((event) => event.type === 'FaxSendAttemptStarted')!.data;
      const index = started.node === 'fs1' ? 0 : started.node === 'fs2' ? 1 : -1;
      expect(index, `node of ${String(started.callUuid)}: ${String(started.node)}`).not.toBe(-1);
      expect(originated[index]!.calls().map((call) => call.uuid)).toContain(started.callUuid);
      expect(fax.outbound).toMatchObject({ node: started.node, attemptLog: [{ attempt: 1, gateway: 'carrier1', node: started.node, outcome: expect.stringMatching(/^sent/) }] });
    }

    await env.stopNode(1);
    const down = await until('fs2 reported down', async () => {
      const answer = await readyz(env!);
      return answer.body.dependencies['freeswitch.fs2'] === 'unreachable' && answer;
    });
    // One node still sends and receives: ready, with the down node named.
    expect(down.status).toBe(200);
    expect(down.body.dependencies).toMatchObject({ 'freeswitch.fs1': 'ok', 'freeswitch.fs2': 'unreachable', freeswitchControl: 'ok', freeswitchDialer: 'ok' });
    const metrics = await (await env.call('GET', '/metrics', undefined, null)).text();
    expect(metrics).toMatch(/faxengine_freeswitch_connected\{node="fs1"\} 1/);
    expect(metrics).toMatch(/faxengine_freeswitch_connected\{node="fs2"\} 0/);

    const second = await sendFaxes(4, 100, pdf);
    await until('the later faxes sent', async () => {
      const faxes = await Promise.all(second.map(async (id) => okJson(await env!.call('GET', `/v1/faxes/${id}`))));
      return faxes.every((fax) => fax.status === 'sent');
    });
    expect(originated[0]!.calls().length).toBe(atFs1 + 4);
    for (const id of second) {
      const events = (await okJson(await env.call('GET', `/v1/faxes/${id}/events`))).items as Array<{ type: string; data: Json }>;
      expect(events.filter((event) => event.type === 'FaxSendAttemptStarted').map((event) => event.data.node)).toEqual(['fs1']);
    }

    // Both down: not ready, and the answer names them.
    await env.stopNode(0);
    const none = await until('both reported down', async () => {
      const answer = await readyz(env!);
      return answer.status === 503 && answer;
    });
    expect(none.body.dependencies).toMatchObject({ 'freeswitch.fs1': 'unreachable', 'freeswitch.fs2': 'unreachable' });
  }, 120_000);

  it('after a restart, follows an outbound call in progress on the node its attempt recorded, asking no other node', async () => {
    // Slow enough that the fax is still being sent when faxengine restarts.
    env = await startServerWithTwoNodes({ scenario, timeScale: 0.25, env: { FAXENGINE_FAX_DRAIN_TIMEOUT_MS: '0' } });
    await provision(env);
    await until('both nodes connected', () => bothNodesUp(env!));
    const { pdf } = await makeSubmissionDocuments(env.dataDir);
    const [faxId] = await sendFaxes(1, 200, pdf);
    await until('the fax being sent', async () => (await okJson(await env!.call('GET', `/v1/faxes/${faxId}`))).status === 'sending');
    const events = (await okJson(await env.call('GET', `/v1/faxes/${faxId}/events`))).items as Array<{ type: string; data: Json }>;
    const started = events.find((event) => event.type === 'FaxSendAttemptStarted')!.data;
    const [mine, other] = started.node === 'fs1' ? [env.sim(0), env.sim(1)] : [env.sim(1), env.sim(0)];

    await env.restart();
    const fax = await until('the fax sent after the restart', async () => {
      const view = await okJson(await env!.call('GET', `/v1/faxes/${faxId}`));
      return view.status === 'sent' && view;
    }, 90_000);
    expect(fax.outbound).toMatchObject({ attempts: 1, node: started.node });
    expect(apiCommands(mine)).toContain(`api uuid_exists ${String(started.callUuid)}`);
    expect(apiCommands(other).filter((command) => command.includes(String(started.callUuid)))).toEqual([]);
  }, 150_000);

  it('when one node’s event socket drops mid-call, follows the call again on that node only', async () => {
    env = await startServerWithTwoNodes({ scenario, timeScale: 0.25 });
    await provision(env);
    await until('both nodes connected', () => bothNodesUp(env!));
    const { pdf } = await makeSubmissionDocuments(env.dataDir);
    const [faxId] = await sendFaxes(1, 500, pdf);
    await until('the fax being sent', async () => (await okJson(await env!.call('GET', `/v1/faxes/${faxId}`))).status === 'sending');
    const events = (await okJson(await env.call('GET', `/v1/faxes/${faxId}/events`))).items as Array<{ type: string; data: Json }>;
    const started = events.find((event) => event.type === 'FaxSendAttemptStarted')!.data;
    const [mine, other] = started.node === 'fs1' ? [env.sim(0), env.sim(1)] : [env.sim(1), env.sim(0)];

    mine.killConnections();
    const fax = await until('the fax sent after the drop', async () => {
      const view = await okJson(await env!.call('GET', `/v1/faxes/${faxId}`));
      return view.status === 'sent' && view;
    }, 90_000);
    expect(fax.outbound).toMatchObject({ attempts: 1, node: started.node });
    expect(apiCommands(mine)).toContain(`api uuid_exists ${String(started.callUuid)}`);
    expect(apiCommands(other).filter((command) => command.includes(String(started.callUuid)))).toEqual([]);
  }, 150_000);

  it('shares new calls by weight and never puts more calls on a node than its channels', async () => {
    // In real time every call rings until it is cancelled or the originate times out (60 s): all are in progress together.
    const numbers = [...Array.from({ length: 8 }, (_, index) => 300 + index), 400, 401, 402];
    const ringing = { ...scenario, stations: Object.fromEntries(numbers.map((number) => [String(15557000000 + number), { ringSeconds: 100_000 }])) };
    env = await startServerWithTwoNodes({ scenario: ringing, timeScale: 1, nodes: [{ channels: 3 }, { weight: 3 }] });
    await provision(env);
    await until('both nodes connected', () => bothNodesUp(env!));
    const originated = [recordOriginatedCalls(env.sim(0)), recordOriginatedCalls(env.sim(1))];
    const { pdf } = await makeSubmissionDocuments(env.dataDir);
    const counts = () => originated.map((calls) => calls.calls().length);

    // fs2 weighs three times fs1: of 8 calls, 2 go to fs1 and 6 to fs2.
    const first = await sendFaxes(8, 300, pdf);
    await until('8 calls placed', async () => counts()[0]! + counts()[1]! === 8);
    expect(counts()).toEqual([2, 6]);

    // fs2's calls end and fs2 goes down; fs1 takes one more call (its channels: 3), the rest wait.
    for (const call of originated[1]!.calls()) expect((await env.call('DELETE', `/v1/faxes/${call.variables.faxengine_fax_id!}`)).status).toBe(202);
    await until('fs2 without calls', async () => env!.sim(1).channels().length === 0);
    await env.stopNode(1);
    await until('fs2 reported down', async () => (await readyz(env!)).body.dependencies['freeswitch.fs2'] === 'unreachable');
    const second = await sendFaxes(3, 400, pdf);
    await until('one more call at fs1', async () => counts()[0] === 3);
    const views = async () => Promise.all(second.map(async (id) => okJson(await env!.call('GET', `/v1/faxes/${id}`))));
    // The other two wait for a channel: fs1 is full, fs2 down.
    await until('two faxes waiting', async () => (await views()).filter((fax) => fax.status === 'queued').length === 2);
    expect(counts()[0]).toBe(3);

    // A call on fs1 ends: its channel goes to a waiting fax at once.
    const onFs1 = originated[0]!.calls().at(-1)!.variables.faxengine_fax_id!;
    expect((await env.call('DELETE', `/v1/faxes/${onFs1}`)).status).toBe(202);
    await until('the freed channel used', async () => counts()[0] === 4);

    // fs2 comes back: the last waiting fax goes there without waiting for another call to end.
    const fs2Calls = recordOriginatedCalls(await env.startNode(1));
    await until('the waiting fax dialled at fs2', async () => fs2Calls.calls().length === 1);
    expect(counts()[0]).toBe(4);
    for (const id of [...first, ...second]) await env.call('DELETE', `/v1/faxes/${id}`);
  }, 120_000);

  it('receives calls from both nodes and records which node had each', async () => {
    env = await startServerWithTwoNodes({ scenario });
    await provision(env);
    await until('both nodes connected', () => bothNodesUp(env!));
    const calls = [env.sim(0).startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }), env.sim(1).startInboundCall({ from: '5550002222', to: '15551230000', gateway: 'carrier1' })];
    await Promise.all(calls.map((call) => call.finished));
    const faxes = await until('both faxes received', async () => {
      const items = (await okJson(await env!.call('GET', '/v1/faxes'))).items as Json[];
      const received = items.filter((fax) => fax.direction === 'inbound' && fax.status === 'received');
      return received.length === 2 && received;
    });
    for (const [index, call] of calls.entries()) {
      const fax = faxes.find((candidate) => candidate.callUuid === call.uuid)!;
      const events = (await okJson(await env.call('GET', `/v1/faxes/${String(fax.faxId)}/events`))).items as Array<{ type: string; data: Json }>;
      expect(events.find((event) => event.type === 'FaxCallOffered')!.data.node).toBe(`fs${index + 1}`);
    }
  }, 60_000);

  it('after a restart, asks the node an open inbound fax’s call was on, and leaves the fax open while that node is down', async () => {
    const faxId = 'f0000000-0000-4000-8000-000000000002';
    const callUuid = 'c0000000-0000-4000-8000-000000000002';
    env = await startServerWithTwoNodes({
      scenario,
      down: [1],
      // What a process that died mid-call left behind: a call offered on fs2, never ended.
      beforeStart: async (dataDir) => {
        const store = await openEventStore(`sqlite:${join(dataDir, 'events.sqlite')}`);
        await store.append(`fax-${faxId}`, [
          { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid, callerNumber: '5550001111', toUser: '15551230000', node: 'fs2', offeredAt: new Date().toISOString() }, metadata: {} },
        ]);
        await store.close();
      },
    });
    const ended = async () => {
      const events = (await okJson(await env!.call('GET', `/v1/faxes/${faxId}/events`))).items as Array<{ type: string }>;
      return events.some((event) => event.type === 'FaxCallEnded');
    };
    await until('fs1 connected', async () => (await readyz(env!)).body.dependencies['freeswitch.fs1'] === 'ok');
    // fs1 is up and reconciliation has had several tries: the call is on fs2, which cannot be asked.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await ended()).toBe(false);
    expect(apiCommands(env.sim(0)).filter((command) => command.includes(callUuid))).toEqual([]);

    const fs2 = await env.startNode(1);
    await until('the fax closed', ended, 60_000);
    expect(apiCommands(fs2)).toContain(`api uuid_exists ${callUuid}`);
    expect(apiCommands(env.sim(0)).filter((command) => command.includes(callUuid))).toEqual([]);
    // The fax view is a projection: it follows the event just read a moment later.
    const fax = await until('the fax view ended', async () => {
      const view = await okJson(await env!.call('GET', `/v1/faxes/${faxId}`));
      return view.ended === true && view;
    }, 10_000);
    expect(fax).toMatchObject({ status: 'interrupted', ended: true });
  }, 120_000);
});
