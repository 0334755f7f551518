import { afterEach, describe, expect, it } from 'vitest';
import { startServerWithSimulator } from '../../support/serverHarness.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;

describe('metrics.enabled', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('on by default: /metrics answers loopback without the API\'s credentials', async () => {
    env = await startServerWithSimulator();
    const response = await env.call('GET', '/metrics', undefined, null);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('# TYPE faxengine_faxes_total counter');
    expect(body).toContain('# TYPE process_cpu_seconds_total counter');
  });

  it('false: there is no /metrics (404)', async () => {
    env = await startServerWithSimulator({ env: { FAXENGINE_METRICS_ENABLED: 'false' } });
    const response = await env.call('GET', '/metrics', undefined, null);
    expect(response.status).toBe(404);
  });
});
