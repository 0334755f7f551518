import { describe, expect, it } from 'vitest';
import { planDelivery, planOutboundWebhooks } from '../../../projections/deliveryPlanning.js';
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

describe('webhook subscriptions (`events`)', () => {
  const hook = (id: string, events?: string[]) => ({ kind: 'webhook', url: `https://hooks.example/${id}`, secret: null, style: 'json', ...(events ? { events } : {}) }) as RouteEndpoint['target'];

  it('a received fax goes to webhook endpoints without `events` or with fax.received among them, not to outbound-only ones', () => {
    const plan = planDelivery(fax, route([endpoint('e1', hook('e1')), endpoint('e2', hook('e2', ['fax.sent'])), endpoint('e3', hook('e3', ['fax.received', 'fax.failed']))]));
    expect(plan.deliveries.map((target) => target.endpointId)).toEqual(['e1', 'e3']);
  });

  it("a tenant's sent fax is told to subscribed endpoints of its number, its tenant and global ones, all of them, with the outbound types they chose", () => {
    const scoped = (id: string, scope: RouteEndpoint['scope'], tenantId: string | null, numberId: string | null, events?: string[]) => ({
      ...endpoint(id, hook(id, events)),
      scope,
      tenantId,
      numberId,
    });
    const endpoints = [
      scoped('g1', 'global', null, null, ['fax.failed', 'fax.received']),
      scoped('t1', 'tenant', 't1', null, ['fax.queued', 'fax.sent']),
      scoped('t2', 'tenant', 't2', null, ['fax.sent']),
      scoped('n1', 'number', 't1', '10', ['fax.attempt.failed']),
      scoped('n2', 'number', 't1', '11', ['fax.sent']),
      scoped('t3', 'tenant', 't1', null),
    ];
    const chosen = planOutboundWebhooks(endpoints, 't1', '10');
    expect(chosen.map((target) => [target.endpointId, target.events])).toEqual([
      ['n1', ['fax.attempt.failed']],
      ['t1', ['fax.queued', 'fax.sent']],
      ['g1', ['fax.failed']],
    ]);
  });
});
