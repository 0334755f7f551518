import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { createTenancyApi } from '../../../src/api/tenancyApi.js';
import { createParkedEventLog } from '../../../src/reactors/parkedEvents.js';
import { adminAuth, cheapHash, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';

describe('GET /v1/admin/parked-events', () => {
  let harness: TenancyHarness | undefined;
  afterEach(async () => harness?.close());

  it('lists what reactors parked, from the durable log, for the admin only', async () => {
    harness = await startTenancyHarness();
    const { eventStore, readModels } = harness;
    const { position } = await eventStore.append('fax-f1', [{ type: 'FaxCallEnded', data: { faxId: 'f1' } }]);
    const [event] = await eventStore.readStream('fax-f1');
    await createParkedEventLog(eventStore).park('fax-relay', event!, new Error('document store unreadable'), 6);

    // A fresh log, as after a restart: what was parked comes back from reactor-fax-relay.
    const parked = createParkedEventLog(eventStore);
    await parked.load('fax-relay');
    const tenancy = createTenancyApi({
      eventStore,
      clock: { now: () => new Date() },
      adminApiKey: 'test-admin-key-0123456789',
      defaultCountry: 'US',
      readModel: (projection) => readModels.runner.view(projection),
      settle: (at) => readModels.runner.waitFor(at),
      hashPassword: cheapHash,
    });
    const app = createApp({ eventStore, logger: pino({ level: 'silent' }), version: 'test', parkedEvents: { parked: () => parked.all(), auth: tenancy.auth } });

    const response = await app.request('/v1/admin/parked-events', { headers: { authorization: adminAuth } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Array<Record<string, unknown>> };
    expect(body.items).toEqual([
      {
        reactor: 'fax-relay',
        eventId: event!.id,
        stream: 'fax-f1',
        type: 'FaxCallEnded',
        position,
        revision: 0,
        attempts: 6,
        error: 'Error: document store unreadable',
        parkedAt: expect.any(String),
      },
    ]);
    expect((await app.request('/v1/admin/parked-events')).status).toBe(401);
  });
});
