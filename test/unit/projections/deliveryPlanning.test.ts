import { describe, expect, it } from 'vitest';
import { planDelivery } from '../../../projections/deliveryPlanning.js';
import type { RouteEndpoint } from '../../../projections/routingModel.js';
import type { Route } from '../../../projections/routingQueries.js';

const endpoint = (id: string, target: RouteEndpoint['target'], priority = 0): RouteEndpoint => ({ id, scope: 'global', tenantId: null, numberId: null, target, priority, bridge: false, deliver: true });
const route = (endpoints: RouteEndpoint[]): Route =>
  ({
    tenantId: 't1',
    numberId: '10',
    number: '+15551230000',
    settings: { notifyEmails: ['boss@acme.example'] },
    endpoints,
    endpointScope: 'global',
  }) as unknown as Route;
const fax = { faxId: 'f1', tenantId: 't1', recipient: '+15551230000', documentId: 'sha256-x', partial: false };

describe('delivery plan of a received fax', () => {
  it('never delivers to a carrier (upstream) gateway: that would dial the same number again, in a loop', () => {
    const plan = planDelivery(fax, route([
      endpoint('e1', { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }),
      endpoint('e2', { kind: 'gateway', gateway: 'pbx1', sourceIps: [], role: 'pbx' }, 1),
      endpoint('e3', { kind: 'email', addresses: ['fax@acme.example'] }, 2),
    ]));
    expect(plan.deliveries.map((target) => target.endpointId)).toEqual(['e2', 'e3']);
  });

  it('says no scope when only a carrier gateway was listed', () => {
    const plan = planDelivery(fax, route([endpoint('e1', { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' })]));
    expect(plan).toMatchObject({ deliveries: [], endpointScope: 'none', notifyEmails: ['boss@acme.example'] });
  });
});
