import { describe, expect, it } from 'vitest';
import { createLifecycleGate } from '../../../src/api/lifecycleGate.js';

const get = (path: string) => new Request(`http://faxengine.test${path}`);

describe('the lifecycle gate in front of the API', () => {
  it('answers 503 "starting" until opened, but says the process is alive on /healthz', async () => {
    const gate = createLifecycleGate();
    const ready = await gate.fetch(get('/readyz'));
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toBe('application/problem+json');
    expect(await ready.json()).toMatchObject({ status: 503, detail: 'faxengine is starting', phase: 'starting' });
    expect((await gate.fetch(get('/v1/faxes'))).status).toBe(503);
    expect((await gate.fetch(get('/healthz'))).status).toBe(200);
  });

  it('serves the app once opened, and 503 "draining" with Connection: close once draining', async () => {
    const gate = createLifecycleGate();
    gate.open(() => new Response('from the app'));
    expect(await (await gate.fetch(get('/readyz'))).text()).toBe('from the app');
    gate.drain();
    const draining = await gate.fetch(get('/readyz'));
    expect(draining.status).toBe(503);
    expect(draining.headers.get('connection')).toBe('close');
    expect(((await draining.json()) as { detail: string }).detail).toContain('draining');
    expect((await gate.fetch(get('/v1/faxes'))).status).toBe(503);
    // A late open (start-up finishing during a drain) does not make it ready again.
    gate.open(() => new Response('from the app'));
    expect(gate.phase).toBe('draining');
  });
});
