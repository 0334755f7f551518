import type { FaxApiClient } from './faxApiClient.js';
import { demo } from './demoStack.js';

interface Page<T> {
  items: T[];
}

export interface DemoTenant {
  tenantId: string;
  username: string;
  password: string;
}

/**
 * Sets up the demo through the admin API, as an operator would: a tenant owning the demo number,
 * a user of that tenant, and the carrier as a global upstream gateway (it may send calls from its
 * IP, and outbound faxes leave through it). Finds what an earlier run in the same data directory
 * made rather than failing on it.
 */
export async function provisionDemo(admin: FaxApiClient, user: { username: string; password: string }): Promise<DemoTenant> {
  const numbers = await admin.json<Page<{ tenantId: string }>>('GET', `/v1/numbers?number=${encodeURIComponent(demo.number)}`);
  let tenantId = numbers.items[0]?.tenantId;
  if (tenantId === undefined) {
    tenantId = (await admin.json<{ id: string }>('POST', '/v1/tenants', { name: 'Demo Fax Co' })).id;
    await admin.json('POST', `/v1/tenants/${tenantId}/numbers`, { number: demo.number, displayName: 'Demo fax line', stationIdent: 'FAXENGINE DEMO', header: 'faxengine demo' });
  }

  const users = await admin.json<Page<{ id: string }>>('GET', `/v1/tenants/${tenantId}/users?username=${encodeURIComponent(user.username)}`);
  const existing = users.items[0];
  if (existing) await admin.json('PATCH', `/v1/tenants/${tenantId}/users/${existing.id}`, { password: user.password, disabled: false });
  else await admin.json('POST', `/v1/tenants/${tenantId}/users`, user);

  const gateways = await admin.json<Page<{ target: { gateway?: string } }>>('GET', '/v1/endpoints?scope=global&kind=gateway&limit=500');
  if (!gateways.items.some((endpoint) => endpoint.target.gateway === demo.gateway)) {
    // `deliver: false`: calls may come from the carrier and faxes go out through it, but a received
    // fax is never delivered back to it (for a number without endpoints of its own, a delivering
    // global gateway would be its delivery target).
    await admin.json('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: demo.gateway, sourceIps: [demo.gatewayIp], role: 'upstream' }, priority: 0, deliver: false });
  }
  return { tenantId, ...user };
}
