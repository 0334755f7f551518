import type { DeliveryRequest, DeliveryTarget, FaxPrivacy, FaxRoutedData } from '../src/domain/fax/deliveryPlan.js';
import { outboundWebhookEvents, subscribesTo } from '../src/domain/notifications/webhookEvents.js';
import type { OutboundWebhookTarget } from '../src/domain/outbound/outboundFaxEvents.js';
import { compareEndpoints, type RouteEndpoint } from './routingModel.js';
import type { Route } from './routingQueries.js';

/**
 * Turns the number's resolved route into a delivery plan (pure: the route is looked up by the caller).
 * A carrier (upstream) gateway is never a place to deliver a received fax to: it is where the fax
 * came from, and relaying it there would dial the same number again, in a loop.
 */
export function planDelivery(fax: DeliveryRequest, route: Route | undefined): FaxRoutedData {
  const deliveries = (route?.endpoints ?? []).filter((endpoint) => endpoint.deliver && !isUpstreamGateway(endpoint) && tellsOfReceived(endpoint)).map(toTarget);
  return {
    ...fax,
    endpointScope: deliveries.length > 0 ? (route?.endpointScope ?? 'none') : 'none',
    deliveries,
    notifyEmails: route ? [...route.settings.notifyEmails] : [],
    ...(route ? { privacy: { ...route.privacy } } : {}),
  };
}

const isUpstreamGateway = (endpoint: RouteEndpoint) => endpoint.target.kind === 'gateway' && endpoint.target.role === 'upstream';

/** A webhook endpoint whose `events` leave out `fax.received` is there for sent faxes only. */
const tellsOfReceived = (endpoint: RouteEndpoint) => endpoint.target.kind !== 'webhook' || subscribesTo(endpoint.target.events, 'fax.received');

const scopeRank = { number: 0, tenant: 1, global: 2 } as const;

/**
 * The webhook endpoints told of a tenant's sent fax, recorded in its `FaxQueued`: every enabled
 * webhook endpoint that subscribed to an outbound event type, of the sending number, of the
 * tenant, and global ones. Unlike a received fax's deliveries these add up instead of overriding
 * each other (a subscription is not a route). `endpoints` is every enabled endpoint (a few dozen).
 */
export function planOutboundWebhooks(endpoints: Iterable<RouteEndpoint>, tenantId: string, numberId: string | undefined): OutboundWebhookTarget[] {
  const chosen: RouteEndpoint[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.target.kind !== 'webhook') continue;
    const mine = endpoint.scope === 'global' || (endpoint.scope === 'tenant' && endpoint.tenantId === tenantId) || (endpoint.scope === 'number' && endpoint.numberId === numberId);
    if (mine && outboundWebhookEvents.some((event) => subscribesTo(endpoint.target.kind === 'webhook' ? endpoint.target.events : undefined, event))) chosen.push(endpoint);
  }
  chosen.sort((a, b) => scopeRank[a.scope] - scopeRank[b.scope] || compareEndpoints(a, b));
  return chosen.map((endpoint) => {
    const target = toTarget(endpoint) as Extract<DeliveryTarget, { kind: 'webhook' }>;
    const events = (endpoint.target.kind === 'webhook' ? (endpoint.target.events ?? []) : []).filter((event) => (outboundWebhookEvents as readonly string[]).includes(event));
    return { ...target, events };
  });
}

/**
 * The plan of a PBX's fax to an outside number: sent on through the tenant's upstream gateways
 * (already in order: sending number's, tenant's, global; then priority). Nobody is notified of a
 * reception: the tenant sent this fax; the relay fax's own outcome tells whether it went out.
 */
export function planOutboundRelay(fax: DeliveryRequest, upstreams: readonly RouteEndpoint[], privacy?: FaxPrivacy): FaxRoutedData {
  return {
    ...fax,
    purpose: 'outbound-relay',
    endpointScope: upstreams[0]?.scope ?? 'none',
    deliveries: upstreams.filter((endpoint) => endpoint.target.kind === 'gateway').map(toTarget),
    notifyEmails: [],
    // Only `storeNothing` matters here (nobody is notified); the sending number's, else the tenant's.
    ...(privacy ? { privacy: { ...privacy } } : {}),
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
      return { endpointId, kind: 'webhook', priority, url: target.url, style: target.style, ...(target.document ? { document: target.document } : {}), ...(target.events ? { events: [...target.events] } : {}) };
  }
}
