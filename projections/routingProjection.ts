import { isTenancyEvent, type EndpointEventData, type TenancyEventType } from '../src/domain/tenancy/events.js';
import { numberProfileOf, tenantSettingsOf } from '../src/domain/tenancy/types.js';
import { put, remove, stagedView, type DocumentProjection, type DocumentWrite, type StagedView } from './documentProjection.js';
import { compareEndpoints, globalKey, routingCollections as C, type GatewaySource, type RouteEndpoint, type RoutedNumber, type RoutedTenant } from './routingModel.js';
import { naturalCompare } from '../src/domain/naturalCompare.js';

const handles: TenancyEventType[] = [
  'TenantCreated',
  'TenantUpdated',
  'TenantDeleted',
  'NumberAssigned',
  'NumberUpdated',
  'NumberReleased',
  'EndpointAdded',
  'EndpointUpdated',
  'EndpointDisabled',
  'EndpointRemoved',
];

/**
 * Routing: dialled number → tenant, number settings and endpoints; source IP → gateway. Endpoint
 * lists are kept per owner (number, tenant, global) so that a change to one endpoint rewrites one
 * list, not every number's route; the lookup picks the most specific non-empty list.
 */
export const routingProjection: DocumentProjection = {
  name: 'routing',
  handles,
  init: () => [],
  evolve(view, event) {
    if (!isTenancyEvent(event)) return [];
    switch (event.type) {
      case 'TenantCreated':
      case 'TenantUpdated':
        return [put(C.tenants, event.data.tenantId, { name: event.data.name, settings: tenantSettingsOf(event.data.settings) } satisfies RoutedTenant)];
      case 'TenantDeleted':
        return [remove(C.tenants, event.data.tenantId)];
      case 'NumberAssigned':
      case 'NumberUpdated': {
        const { tenantId, numberId, number } = event.data;
        const writes: DocumentWrite[] = [];
        if (event.type === 'NumberUpdated' && event.data.previousNumber !== number) writes.push(remove(C.numbers, event.data.previousNumber));
        writes.push(put(C.numbers, number, { tenantId, numberId, number, profile: numberProfileOf(event.data) } satisfies RoutedNumber));
        return writes;
      }
      case 'NumberReleased': {
        // Only forget the number if it still routes to this tenant's entry (idempotent on replays).
        const current = view.get<RoutedNumber>(C.numbers, event.data.number);
        return current?.numberId === event.data.numberId ? [remove(C.numbers, event.data.number)] : [];
      }
      case 'EndpointAdded':
      case 'EndpointUpdated': {
        const staged = stagedView(view);
        withoutEndpoint(staged, event.data.endpointId);
        withEndpoint(staged, toRouteEndpoint(event.data));
        return staged.writes();
      }
      case 'EndpointDisabled':
      case 'EndpointRemoved': {
        const staged = stagedView(view);
        withoutEndpoint(staged, event.data.endpointId);
        return staged.writes();
      }
    }
    return [];
  },
};

function toRouteEndpoint(data: EndpointEventData): RouteEndpoint {
  const { endpointId, scope, tenantId, numberId, target, priority, bridge, deliver } = data;
  return { id: endpointId, scope, tenantId, numberId, target, priority, bridge, deliver };
}

function listOf(endpoint: RouteEndpoint): { collection: string; key: string } {
  if (endpoint.scope === 'number') return { collection: C.numberEndpoints, key: endpoint.numberId! };
  if (endpoint.scope === 'tenant') return { collection: C.tenantEndpoints, key: endpoint.tenantId! };
  return { collection: C.globalEndpoints, key: globalKey };
}

function sourceIps(endpoint: RouteEndpoint): string[] {
  return endpoint.target.kind === 'gateway' ? endpoint.target.sourceIps : [];
}

function withoutEndpoint(view: StagedView, endpointId: string): void {
  const previous = view.get<RouteEndpoint>(C.endpoints, endpointId);
  if (!previous) return;
  view.write(remove(C.endpoints, endpointId));
  if (previous.deliver) {
    const { collection, key } = listOf(previous);
    const remaining = (view.get<RouteEndpoint[]>(collection, key) ?? []).filter((item) => item.id !== endpointId);
    view.write(remaining.length > 0 ? put(collection, key, remaining) : remove(collection, key));
  }
  for (const ip of sourceIps(previous)) {
    const gateways = (view.get<GatewaySource[]>(C.gatewaysByIp, ip) ?? []).filter((item) => item.endpointId !== endpointId);
    view.write(gateways.length > 0 ? put(C.gatewaysByIp, ip, gateways) : remove(C.gatewaysByIp, ip));
  }
}

/** Send-only gateways (deliver: false) stay allowed sources but never join a delivery list. */
function withEndpoint(view: StagedView, endpoint: RouteEndpoint): void {
  view.write(put(C.endpoints, endpoint.id, endpoint));
  if (endpoint.deliver) {
    const { collection, key } = listOf(endpoint);
    const list = [...(view.get<RouteEndpoint[]>(collection, key) ?? []), endpoint].sort(compareEndpoints);
    view.write(put(collection, key, list));
  }
  if (endpoint.target.kind !== 'gateway') return;
  const source: GatewaySource = { endpointId: endpoint.id, gateway: endpoint.target.gateway, role: endpoint.target.role, scope: endpoint.scope, tenantId: endpoint.tenantId };
  for (const ip of endpoint.target.sourceIps) {
    const gateways = [...(view.get<GatewaySource[]>(C.gatewaysByIp, ip) ?? []), source].sort((a, b) => naturalCompare(a.endpointId, b.endpointId));
    view.write(put(C.gatewaysByIp, ip, gateways));
  }
}
