import { describe, expect, it } from 'vitest';
import { planOutboundRelay } from '../../../projections/deliveryPlanning.js';
import { routingProjection } from '../../../projections/routingProjection.js';
import { outboundGatewayEndpoints } from '../../../projections/routingQueries.js';
import { screenInboundCall, type InboundPolicy, type ScreeningLookups } from '../../../src/domain/fax/inboundScreening.js';
import type { TenancyEvent } from '../../../src/domain/tenancy/events.js';
import { foldProjection, given } from '../../support/tenancyProjectionSpec.js';

const sources = {
  '10.0.0.1': { gateway: 'carrier1', role: 'upstream' as const, tenantId: null },
  '10.0.0.9': { gateway: 'pbx-acme', role: 'pbx' as const, tenantId: 't1' },
  '10.0.0.8': { gateway: 'pbx-shared', role: 'pbx' as const, tenantId: null },
};
const lookups: ScreeningLookups = {
  sourceGateway: (ip) => sources[ip as keyof typeof sources],
  route: (e164) =>
    ({
      '+15551230000': { tenantId: 't1', stationIdent: 'ACME FAX', pageHeader: null },
      '+15552220000': { tenantId: 't2', stationIdent: null, pageHeader: null },
    })[e164],
  toE164: (raw) => (/^\+?1?\d{10}$/.test(raw) ? `+1${raw.replace(/^\+?1?/, '')}` : undefined),
  stationNeedsAudio: () => false,
  canSendOut: () => true,
};
const policy: InboundPolicy = {
  recipientFrom: 'to',
  ringDelayMs: 0,
  silenceMs: 500,
  t38: { upstream: { enabled: true, request: true }, pbx: { enabled: false, request: false } },
  spoolDir: '/spool',
};
const fromPbx = { callUuid: 'u1', callerNumber: '5551230000', toUser: '15557654321', sourceIp: '10.0.0.9' };

describe('screening a PBX call to an outside number (outbound relay)', () => {
  it('accepts it as an outbound relay of the PBX gateway’s tenant, with the PBX T.38 setting', () => {
    expect(screenInboundCall(fromPbx, lookups, policy, 'fax1')).toEqual({
      kind: 'accept',
      purpose: 'outbound-relay',
      tenantId: 't1',
      recipient: '+15557654321',
      sender: '+15551230000',
      sourceGateway: 'pbx-acme',
      t38Enabled: false,
      t38Requested: false,
      t38Policy: 'pbx gateway pbx-acme: T.38 off',
      ringDelayMs: 0,
      silenceMs: 500,
      spoolPath: '/spool/fax1.tif',
    });
  });

  it('refuses with 503 before answering when the tenant has no carrier gateway to send it out through', () => {
    expect(screenInboundCall({ ...fromPbx, sourceIp: '10.0.0.8', callerNumber: '5552220000' }, { ...lookups, canSendOut: () => false }, policy, 'f')).toEqual({
      kind: 'reject',
      sipCode: 503,
      reason: 'no_route_out',
      detail: 'tenant t2 has no upstream gateway to send +15557654321 through',
    });
  });

  it('takes the tenant of the PBX gateway endpoint before the calling number’s', () => {
    expect(screenInboundCall({ ...fromPbx, callerNumber: '5552220000' }, lookups, policy, 'f')).toMatchObject({ kind: 'accept', tenantId: 't1', sender: '+15552220000' });
  });

  it('takes the calling number’s tenant when the PBX gateway belongs to no tenant', () => {
    expect(screenInboundCall({ ...fromPbx, sourceIp: '10.0.0.8', callerNumber: '5552220000' }, lookups, policy, 'f')).toMatchObject({
      kind: 'accept',
      purpose: 'outbound-relay',
      tenantId: 't2',
    });
  });

  it('keeps a caller number that is no phone number as it came', () => {
    expect(screenInboundCall({ ...fromPbx, callerNumber: 'fax-room' }, lookups, policy, 'f')).toMatchObject({ tenantId: 't1', sender: 'fax-room' });
    const noCaller = screenInboundCall({ ...fromPbx, callerNumber: '' }, lookups, policy, 'f');
    expect(noCaller).toMatchObject({ kind: 'accept', tenantId: 't1' });
    expect(noCaller).not.toHaveProperty('sender');
  });

  it('rejects a PBX call with 404 when neither the PBX gateway nor the caller gives a tenant', () => {
    expect(screenInboundCall({ ...fromPbx, sourceIp: '10.0.0.8', callerNumber: '5550001111' }, lookups, policy, 'f')).toMatchObject({
      kind: 'reject',
      sipCode: 404,
      reason: 'unknown_number',
      detail: '15557654321 does not belong to any tenant, and neither PBX gateway pbx-shared nor caller 5550001111 has one',
    });
  });

  it('rejects a PBX call with 404 when the dialled number does not read as a phone number', () => {
    expect(screenInboundCall({ ...fromPbx, toUser: '123' }, lookups, policy, 'f')).toMatchObject({ kind: 'reject', sipCode: 404, reason: 'unknown_number' });
  });

  it('keeps rejecting a carrier call to an unknown number with 404, whoever the caller is', () => {
    expect(screenInboundCall({ ...fromPbx, sourceIp: '10.0.0.1' }, lookups, policy, 'f')).toMatchObject({ kind: 'reject', sipCode: 404, reason: 'unknown_number' });
  });

  it('treats a PBX call to one of our numbers as an ordinary inbound fax', () => {
    const decision = screenInboundCall({ ...fromPbx, toUser: '15552220000' }, lookups, policy, 'f');
    expect(decision).toMatchObject({ kind: 'accept', tenantId: 't2', recipient: '+15552220000' });
    expect(decision).not.toHaveProperty('purpose');
  });
});

describe('the delivery plan of an outbound relay', () => {
  const upstream = (endpointId: string, tenantId: string, priority: number): TenancyEvent =>
    ({
      type: 'EndpointAdded',
      data: { endpointId, at: '2025-01-01T00:00:00.000Z', scope: 'tenant', tenantId, numberId: null, target: { kind: 'gateway', gateway: `gw${endpointId}`, sourceIps: [], role: 'upstream' }, priority, bridge: false, deliver: true },
    }) as never;

  it('goes to the tenant’s upstream gateways (tenant before global, then priority), no PBX, nobody notified', () => {
    const { view } = foldProjection(routingProjection, [
      given.tenant('1'),
      given.number('1', '10', '+15551230000'),
      given.tenant('2'),
      given.gateway('g2', { scope: 'global' }, 5),
      given.gateway('g1', { scope: 'global' }, 1),
      given.gateway('pbx', { scope: 'tenant', tenantId: '1' }, 0),
      upstream('t1', '1', 50),
      upstream('other', '2', 0),
    ]);
    const request = { faxId: 'f1', tenantId: '1', recipient: '+15557654321', purpose: 'outbound-relay' as const, sender: '+15551230000', documentId: 'd1', partial: false };
    const plan = planOutboundRelay(request, outboundGatewayEndpoints(view, '1', '10'));
    expect(plan).toEqual({
      ...request,
      endpointScope: 'tenant',
      deliveries: [
        { endpointId: 't1', kind: 'gateway', priority: 50, gateway: 'gwt1' },
        { endpointId: 'g1', kind: 'gateway', priority: 1, gateway: 'gwg1' },
        { endpointId: 'g2', kind: 'gateway', priority: 5, gateway: 'gwg2' },
      ],
      notifyEmails: [],
    });
    expect(planOutboundRelay(request, [])).toMatchObject({ endpointScope: 'none', deliveries: [] });
  });
});
