import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createApp } from '../../../src/api/app.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('health routes', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  function appWithStore() {
    const dir = makeTempDir('health');
    dirs.push(dir);
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    return { app: createApp({ eventStore, logger: pino({ level: 'silent' }), version: '1.2.3' }), eventStore };
  }

  it('answers readiness with 503 problem+json once the event store is unreachable', async () => {
    const { app, eventStore } = appWithStore();
    expect((await app.request('/readyz')).status).toBe(200);
    await eventStore.close();
    const response = await app.request('/readyz');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 503, detail: 'event store unreachable' });
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('reports every dependency; only a required one that is down makes it 503', async () => {
    const dir = makeTempDir('health');
    dirs.push(dir);
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    let freeswitch = true;
    const readiness = [
      { name: 'freeswitchDialer', check: () => freeswitch, required: true },
      { name: 'smtp', check: async () => false, required: false },
      { name: 'kafka', check: () => Promise.reject(new Error('refused')), required: false },
    ];
    const app = createApp({ eventStore, logger: pino({ level: 'silent' }), version: 'test', readiness });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', eventStore: 'ok', dependencies: { eventStore: 'ok', freeswitchDialer: 'ok', smtp: 'unreachable', kafka: 'unreachable' } });
    freeswitch = false;
    const unready = await app.request('/readyz');
    expect(unready.status).toBe(503);
    expect(await unready.json()).toMatchObject({ detail: 'FreeSWITCH event socket (dialer) unreachable', dependencies: { eventStore: 'ok', freeswitchDialer: 'unreachable' } });
    await eventStore.close();
  });

  it('answers unknown routes with a 404 problem and serves the OpenAPI document', async () => {
    const { app, eventStore } = appWithStore();
    const missing = await app.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, detail: 'no route for GET /nope' });
    const doc = (await (await app.request('/openapi.json')).json()) as { info: { version: string }; paths: Record<string, unknown> };
    expect(doc.info.version).toBe('1.2.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    await eventStore.close();
  });
});
