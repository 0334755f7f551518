import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { childLogger, createLogger } from '../../../src/logging/createLogger.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';

describe('log shipping to Grafana Loki', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('pushes log lines with labels, basic auth and child bindings to the Loki push API', async () => {
    const pushes: Array<{ url: string; authorization?: string; body: string }> = [];
    const receiver = createServer(async (request: IncomingMessage, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      pushes.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => receiver.close(() => resolve())));
    const { port } = receiver.address() as AddressInfo;

    const logger = createLogger(
      {
        log: { level: 'info', pretty: false },
        loki: { url: `http://127.0.0.1:${port}/loki/api/v1/push`, username: 'tenant1', password: 'loki-pass', labels: { app: 'faxengine-test' } },
      },
      false,
    );
    childLogger(logger, { faxId: 'fax-123', tenantId: 't-9' }).info({ password: 'must-not-leak' }, 'page received');
    await waitFor(() => pushes.some((push) => push.body.includes('page received')), 15_000);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));

    const push = pushes.find((candidate) => candidate.body.includes('page received'))!;
    expect(push.url).toBe('/loki/api/v1/push');
    expect(push.authorization).toBe(`Basic ${Buffer.from('tenant1:loki-pass').toString('base64')}`);
    const payload = JSON.parse(push.body) as { streams: Array<{ stream: Record<string, string>; values: string[][] }> };
    expect(payload.streams[0]!.stream).toMatchObject({ app: 'faxengine-test' });
    const line = payload.streams.flatMap((stream) => stream.values).find((value) => value[1]!.includes('page received'))![1]!;
    expect(line).toContain('fax-123');
    expect(line).toContain('t-9');
    expect(line).not.toContain('must-not-leak');
  });
});
