import type { DocumentProjection, ProjectedEvent, QueryView } from '../../projections/documentProjection.js';
import type { TenancyEvent } from '../../src/domain/tenancy/events.js';

/** Given events, fold a projection in memory the way the runner does (one event at a time). */
export function foldProjection(projection: DocumentProjection, events: readonly TenancyEvent[], store = new Map<string, Map<string, unknown>>()) {
  const view: QueryView = {
    get: <T>(collection: string, key: string) => store.get(collection)?.get(key) as T | undefined,
    all: <T>(collection: string) => (store.get(collection)?.values() ?? []) as Iterable<T>,
  };
  events.forEach((event, index) => {
    if (!projection.handles.includes(event.type)) return;
    const projected: ProjectedEvent = { ...event, stream: 'tenant-x', position: index + 1, created: at };
    for (const { collection, key, doc } of projection.evolve(view, projected)) {
      if (!store.has(collection)) store.set(collection, new Map());
      if (doc === null) store.get(collection)!.delete(key);
      else store.get(collection)!.set(key, doc);
    }
  });
  return { view, store, snapshot: () => JSON.stringify([...store].map(([name, docs]) => [name, [...docs].sort()]).sort()) };
}

const at = '2025-01-01T00:00:00.000Z';
/** Event builders with defaults, so specs state only what matters. */
export const given = {
  tenant: (tenantId: string, name = `Tenant ${tenantId}`): TenancyEvent => ({
    type: 'TenantCreated',
    data: { tenantId, at, name, email: null, settings: { callerId: null, faxHeader: 'Tenant header', faxIdent: 'TENANT', retentionDays: null, notifyEmails: [], notifyOn: 'always' } },
  }),
  number: (tenantId: string, numberId: string, number: string): TenancyEvent => ({
    type: 'NumberAssigned',
    data: { tenantId, numberId, number, at, displayName: null, stationIdent: null, header: null, callerId: null, notifyEmails: [], direction: 'both' },
  }),
  gateway: (endpointId: string, owner: { scope: 'global' } | { scope: 'tenant'; tenantId: string } | { scope: 'number'; tenantId: string; numberId: string }, priority: number, sourceIps: string[] = [], deliver = true): TenancyEvent => ({
    type: 'EndpointAdded',
    data: {
      endpointId,
      at,
      scope: owner.scope,
      tenantId: owner.scope === 'global' ? null : owner.tenantId,
      numberId: owner.scope === 'number' ? owner.numberId : null,
      target: { kind: 'gateway', gateway: `gw${endpointId}`, sourceIps, role: owner.scope === 'global' ? 'upstream' : 'pbx' },
      priority,
      bridge: false,
      deliver,
    } as never,
  }),
  removed: (endpointId: string, owner: { scope: 'global' | 'tenant' | 'number'; tenantId: string | null; numberId: string | null }): TenancyEvent => ({
    type: 'EndpointRemoved',
    data: { endpointId, at, ...owner } as never,
  }),
};
