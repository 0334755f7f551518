import type { Context } from 'hono';
import { findEndpoint, findTenant, listEndpoints, listTenants } from '../../projections/directoryQueries.js';
import type { EndpointView } from '../../projections/directoryModel.js';
import { toEndpointPatch } from '../api/routes/v1/endpointInput.js';
import { globalEndpointInput, globalEndpointPatch, tenantEndpointInput } from '../api/routes/v1/schemas.js';
import { AdminPage, CsrfField, Field, FormError, actorOf, adminOnly, attempt, formValues, integer, list, optional, type FormFailure, type FormValues } from './adminKit.js';
import type { ConsoleEnv, ConsoleFeature, ConsoleKit } from './consoleKit.js';

const gatewayFields = ['target.gateway', 'target.sourceIps', 'target.role', 'priority', 'tenantId'] as const;

function targetInWords(endpoint: EndpointView): string {
  const target = endpoint.target;
  if (target.kind === 'gateway') return `gateway ${target.gateway} (${target.role === 'upstream' ? 'carrier' : 'PBX'}${target.sourceIps.length ? `, from ${target.sourceIps.join(', ')}` : ''})`;
  if (target.kind === 'email') return `e-mail to ${target.addresses.join(', ')}`;
  return `webhook to ${target.url}`;
}

function EndpointsPage({ kit, c, failed }: { kit: ConsoleKit; c: Context<ConsoleEnv>; failed?: FormFailure | undefined }) {
  const session = c.get('session');
  const directory = kit.deps.tenancy.directory();
  const tenantId = c.req.query('tenantId') || failed?.values.view || undefined;
  const endpoints = listEndpoints(directory, tenantId ? { tenantId } : {}, { limit: 500, offset: 0 }).items;
  const tenants = listTenants(directory, {}, { limit: 500, offset: 0 }).items;
  const nameOf = (id: string | null) => (id === null ? 'all tenants' : (findTenant(directory, id)?.name ?? `tenant ${id}`));
  const chosenTenant = failed?.form === 'gateway-new' ? failed.values.tenantId : tenantId;
  return (
    <AdminPage title={tenantId ? `Endpoints of ${nameOf(tenantId)}` : 'Gateways and endpoints'} section="/admin/endpoints" session={session}>
      {endpoints.length === 0 ? (
        <p>No endpoints.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Target</th>
              <th scope="col">Priority</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((endpoint) => {
              const form = `endpoint-${endpoint.id}`;
              const label = `${endpoint.target.kind === 'gateway' ? endpoint.target.gateway : `endpoint ${endpoint.id}`}`;
              return (
                <tr>
                  <td data-label="For">
                    {nameOf(endpoint.tenantId)}
                    {endpoint.scope === 'number' && ` (number ${endpoint.numberId})`}
                    {endpoint.disabled && ' (disabled)'}
                  </td>
                  <td data-label="Target">{targetInWords(endpoint)}</td>
                  <td data-label="Priority">
                    <form method="post" action={`/admin/endpoints/${encodeURIComponent(endpoint.id)}`} class="row-form">
                      <CsrfField session={session} />
                      {tenantId && <input type="hidden" name="view" value={tenantId} />}
                      <FormError form={form} failed={failed} fields={['priority']} />
                      <Field form={form} name="priority" label={`Priority of ${label}`} type="number" value={String(endpoint.priority)} failed={failed} />
                      <button type="submit" aria-label={`Save priority of ${label}`}>
                        Save
                      </button>
                    </form>
                  </td>
                  <td data-label="Remove">
                    <form method="post" action={`/admin/endpoints/${encodeURIComponent(endpoint.id)}/remove`} class="inline">
                      <CsrfField session={session} />
                      {tenantId && <input type="hidden" name="view" value={tenantId} />}
                      <button type="submit" class="danger" aria-label={`Remove ${label}`}>
                        Remove
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form method="post" action="/admin/endpoints" class="admin-form">
        <h2>New gateway</h2>
        <CsrfField session={session} />
        <FormError form="gateway-new" failed={failed} fields={gatewayFields} />
        <div class="field">
          <label for="gateway-new-tenantId">For</label>
          <select id="gateway-new-tenantId" name="tenantId">
            <option value="">All tenants (a carrier)</option>
            {tenants.map((tenant) => (
              <option value={tenant.id} selected={chosenTenant === tenant.id}>
                {tenant.name} (its PBX)
              </option>
            ))}
          </select>
        </div>
        <Field form="gateway-new" name="target.gateway" label="FreeSWITCH gateway name" required failed={failed} />
        <Field form="gateway-new" name="target.sourceIps" label="Source IP addresses" hint="Calls from these addresses come through this gateway; separate with commas" failed={failed} />
        <Field form="gateway-new" name="priority" label="Priority" type="number" hint="0–9999; lower is tried first" failed={failed} />
        <button type="submit">Add gateway</button>
      </form>
    </AdminPage>
  );
}

/** Endpoints of every scope (filter by tenant), gateways added like POST /v1/endpoints (or a tenant's), priority changed, removed. */
export const adminEndpoints: ConsoleFeature = (app, kit) => {
  const { deps, signedIn, csrfChecked, html } = kit;
  const guard = [signedIn, adminOnly(kit), csrfChecked] as const;
  const commands = (c: Context<ConsoleEnv>) => deps.tenancy.commands.as(actorOf(c.get('session')));
  const refused = (c: Context<ConsoleEnv>, failed: FormFailure) => html(c, <EndpointsPage kit={kit} c={c} failed={failed} />, failed.status);

  app.get('/admin/endpoints', signedIn, adminOnly(kit), (c) => html(c, <EndpointsPage kit={kit} c={c} />));

  app.post('/admin/endpoints', ...guard, async (c) => {
    const values = await formValues(c);
    const tenantId = optional(values.tenantId);
    const input = { target: { kind: 'gateway', gateway: values['target.gateway'] ?? '', sourceIps: list(values['target.sourceIps']) }, ...defined('priority', integer(values.priority)) };
    const outcome = tenantId
      ? await attempt('gateway-new', values, tenantEndpointInput, input, (valid) => commands(c).addEndpoint({ tenantId }, toEndpointPatch(valid, 'tenant')))
      : await attempt('gateway-new', values, globalEndpointInput, input, (valid) => commands(c).addEndpoint({ tenantId: null }, toEndpointPatch(valid, 'global')));
    if ('failed' in outcome) return refused(c, outcome.failed);
    return c.redirect(`/admin/endpoints${tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : ''}`, 303);
  });

  app.post('/admin/endpoints/:endpointId', ...guard, async (c) => change(c, await formValues(c), 'update'));
  app.post('/admin/endpoints/:endpointId/remove', ...guard, async (c) => change(c, await formValues(c), 'remove'));

  /** As the API's PATCH and DELETE /v1/endpoints/{id}: the endpoint's own scope decides where the command goes. */
  async function change(c: Context<ConsoleEnv>, values: FormValues, what: 'update' | 'remove') {
    const id = c.req.param('endpointId')!;
    const current = findEndpoint(deps.tenancy.directory(), id);
    const form = `endpoint-${id}`;
    if (!current) return refused(c, { form, status: 404, message: `endpoint ${id} not found`, values });
    const outcome =
      what === 'remove'
        ? await attempt(form, values, globalEndpointPatch, {}, () => commands(c).removeEndpoint({ tenantId: current.tenantId }, id))
        : await attempt(form, values, globalEndpointPatch, defined('priority', integer(values.priority)), (valid) =>
            commands(c).updateEndpoint({ tenantId: current.tenantId }, id, toEndpointPatch(valid, current.scope)),
          );
    if ('failed' in outcome) return refused(c, outcome.failed);
    // Back to the list the form was on (all endpoints, or one tenant's).
    return c.redirect(values.view ? `/admin/endpoints?tenantId=${encodeURIComponent(values.view)}` : '/admin/endpoints', 303);
  }
};

const defined = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
