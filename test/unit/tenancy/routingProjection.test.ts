import { describe, expect, it } from 'vitest';
import { routingProjection } from '../../../projections/routingProjection.js';
import { gatewayForSourceIp, globalEndpoints, lookupRoute, tenantSettings } from '../../../projections/routingQueries.js';
import { directoryProjection } from '../../../projections/directoryProjection.js';
import type { TenantView } from '../../../projections/directoryModel.js';
import { credentialsProjection } from '../../../projections/credentialsProjection.js';
import type { TenancyEvent, TenancyEventOf } from '../../../src/domain/tenancy/events.js';
import { evolveTenant, initialTenantState } from '../../../src/domain/tenancy/tenantState.js';
import { foldProjection, given } from '../../support/tenancyProjectionSpec.js';

const ids = (endpoints: readonly { id: string }[]) => endpoints.map((endpoint) => endpoint.id);

describe('routing projection', () => {
  const base = [given.tenant('1'), given.number('1', '10', '+15551234567'), given.number('1', '11', '+15551234568'), given.tenant('2'), given.number('2', '20', '+442079460958')];

  it('routes a number to the global endpoints when its tenant and number have none', () => {
    const { view } = foldProjection(routingProjection, [...base, given.gateway('g2', { scope: 'global' }, 5), given.gateway('g1', { scope: 'global' }, 1)]);
    const route = lookupRoute(view, '+15551234567')!;
    expect(route.tenantId).toBe('1');
    expect(route.endpointScope).toBe('global');
    expect(ids(route.endpoints)).toEqual(['g1', 'g2']);
  });

  it('prefers number endpoints over tenant endpoints over global ones, lower priority first', () => {
    const { view } = foldProjection(routingProjection, [
      ...base,
      given.gateway('g', { scope: 'global' }, 0),
      given.gateway('t2', { scope: 'tenant', tenantId: '1' }, 20),
      given.gateway('t1', { scope: 'tenant', tenantId: '1' }, 10),
      given.gateway('n1', { scope: 'number', tenantId: '1', numberId: '10' }, 3),
      given.gateway('n0', { scope: 'number', tenantId: '1', numberId: '10' }, 2),
    ]);
    expect(ids(lookupRoute(view, '+15551234567')!.endpoints)).toEqual(['n0', 'n1']);
    expect(ids(lookupRoute(view, '+15551234568')!.endpoints)).toEqual(['t1', 't2']);
    expect(lookupRoute(view, '+442079460958')!.endpointScope).toBe('global');
  });

  it('falls back to the tenant when the last number endpoint is removed', () => {
    const { view } = foldProjection(routingProjection, [
      ...base,
      given.gateway('t1', { scope: 'tenant', tenantId: '1' }, 10),
      given.gateway('n1', { scope: 'number', tenantId: '1', numberId: '10' }, 3),
      given.removed('n1', { scope: 'number', tenantId: '1', numberId: '10' }),
    ]);
    expect(lookupRoute(view, '+15551234567')!.endpointScope).toBe('tenant');
  });

  it('keeps send-only gateways as sources but never as delivery targets', () => {
    const { view } = foldProjection(routingProjection, [...base, given.gateway('s', { scope: 'global' }, 666, ['10.0.0.1'], false)]);
    expect(globalEndpoints(view)).toEqual([]);
    expect(gatewayForSourceIp(view, '10.0.0.1')?.gateway).toBe('gws');
  });

  it('matches source IPs exactly (10.0.0.1 is not 10.0.0.12)', () => {
    const { view } = foldProjection(routingProjection, [...base, given.gateway('c', { scope: 'global' }, 0, ['10.0.0.12'])]);
    expect(gatewayForSourceIp(view, '10.0.0.1')).toBeUndefined();
    expect(gatewayForSourceIp(view, '10.0.0.12')?.endpointId).toBe('c');
  });

  it('fills missing number settings from the tenant defaults', () => {
    const { view } = foldProjection(routingProjection, base);
    const route = lookupRoute(view, '+15551234567')!;
    expect(route.settings.stationIdent).toBe('TENANT');
    expect(route.settings.faxHeader).toBe('Tenant header');
  });

  it("keeps each tenant's send policy; tenant events written before it existed inherit (null)", () => {
    const created = given.tenant('1') as TenancyEventOf<'TenantCreated'>;
    expect(created.data.settings).not.toHaveProperty('sendPolicy');
    const updated: TenancyEvent = { type: 'TenantUpdated', data: { ...created.data, settings: { ...created.data.settings, sendPolicy: { maxAttempts: 7 } } } };
    const { view } = foldProjection(routingProjection, [created, given.tenant('2'), updated]);
    expect(tenantSettings(view, '1')?.sendPolicy).toEqual({ maxAttempts: 7 });
    expect(tenantSettings(view, '2')?.sendPolicy).toBeNull();
    expect(tenantSettings(view, '3')).toBeUndefined();
    expect(foldProjection(directoryProjection, [created]).view.get<TenantView>('tenants', '1')?.settings.sendPolicy).toBeNull();
    expect(evolveTenant(initialTenantState('1'), created).profile?.settings.sendPolicy).toBeNull();
  });

  it.each([routingProjection, directoryProjection, credentialsProjection])('$name is idempotent: re-applying every event changes nothing', (projection) => {
    const events: TenancyEvent[] = [
      ...base,
      given.gateway('t1', { scope: 'tenant', tenantId: '1' }, 10, ['192.0.2.1']),
      given.gateway('n1', { scope: 'number', tenantId: '1', numberId: '10' }, 3),
      { type: 'UserCreated', data: { tenantId: '1', userId: '5', username: 'Alice', passwordHash: 'scrypt$x', at: '2025-01-01T00:00:00Z' } },
      { type: 'ApiKeyIssued', data: { tenantId: '1', userId: '5', keyId: '7', label: null, keyHash: 'abc', prefix: 'fxk_', expiresAt: null, at: '2025-01-01T00:00:00Z' } },
      { type: 'UserDisabled', data: { tenantId: '1', userId: '5', reason: 'admin', at: '2025-01-02T00:00:00Z' } },
    ];
    const once = foldProjection(projection, events);
    const before = once.snapshot();
    foldProjection(projection, events, once.store);
    expect(once.snapshot()).toBe(before);
    expect(before.length).toBeGreaterThan(50);
  });
});
