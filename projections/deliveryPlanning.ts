import type { DeliveryTarget, FaxRoutedData } from '../src/domain/fax/deliveryPlan.js';
import type { RouteEndpoint } from './routingModel.js';
import type { Route } from './routingQueries.js';

/** Turns the number's resolved route into a delivery plan (pure: the route is looked up by the caller). */
export function planDelivery(
  fax: { faxId: string; tenantId: string; recipient: string; documentId: string; partial: boolean },
  route: Route | undefined,
): FaxRoutedData {
  return {
    ...fax,
    endpointScope: route?.endpointScope ?? 'none',
    deliveries: (route?.endpoints ?? []).filter((endpoint) => endpoint.deliver).map(toTarget),
    notifyEmails: route ? [...route.settings.notifyEmails] : [],
  };
}

function toTarget(endpoint: RouteEndpoint): DeliveryTarget {
  const { id: endpointId, priority, target } = endpoint;
  switch (target.kind) {
    case 'gateway':
      return { endpointId, kind: 'gateway', priority, gateway: target.gateway };
    case 'email':
      return { endpointId, kind: 'email', priority, addresses: [...target.addresses] };
    case 'webhook':
      return { endpointId, kind: 'webhook', priority, url: target.url, style: target.style, ...(target.document ? { document: target.document } : {}) };
  }
}
