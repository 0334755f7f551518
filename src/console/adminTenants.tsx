import { findTenant, listTenants, type Page } from '../../projections/directoryQueries.js';
import type { TenantView } from '../../projections/directoryModel.js';
import { tenantInput } from '../api/routes/v1/schemas.js';
import { AdminPage, CsrfField, Field, FormError, actorOf, adminOnly, attempt, formValues, nullable, type FormFailure } from './adminKit.js';
import type { ConsoleFeature } from './consoleKit.js';
import type { ConsoleSession } from './sessions.js';
import { shortTime } from './format.js';

const pageSize = 50;
const createFields = ['name', 'email', 'settings.faxIdent'] as const;

function TenantsPage({ page, session, failed }: { page: Page<TenantView>; session: ConsoleSession; failed?: FormFailure | undefined }) {
  const { offset, total } = page;
  return (
    <AdminPage title="Tenants" section="/admin" session={session}>
      {page.items.length === 0 ? (
        <p>No tenants yet.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Tenants, {total} in all</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Created</th>
              <th scope="col">Act as</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((tenant) => (
              <tr>
                <td data-label="Name">
                  <a href={`/admin/tenants/${encodeURIComponent(tenant.id)}`}>{tenant.name}</a>
                </td>
                <td data-label="E-mail">{tenant.email ?? ''}</td>
                <td data-label="Created">{shortTime(tenant.createdAt)}</td>
                <td data-label="Act as">
                  <form method="post" action="/admin/acting-tenant" class="inline">
                    <CsrfField session={session} />
                    <input type="hidden" name="tenantId" value={tenant.id} />
                    <button type="submit">View as {tenant.name}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="pager">
        {offset > 0 && <a href={`/admin?offset=${Math.max(0, offset - pageSize)}`}>Previous tenants</a>}{' '}
        {offset + pageSize < total && <a href={`/admin?offset=${offset + pageSize}`}>Next tenants</a>}
      </p>
      <section aria-labelledby="new-tenant" class="admin-form">
        <h2 id="new-tenant">New tenant</h2>
        <form method="post" action="/admin/tenants">
          <CsrfField session={session} />
          <FormError form="tenant-new" failed={failed} fields={createFields} />
          <Field form="tenant-new" name="name" label="Name" required failed={failed} />
          <Field form="tenant-new" name="email" label="E-mail (optional)" type="email" failed={failed} />
          <Field form="tenant-new" name="settings.faxIdent" label="Fax ident (optional)" hint="At most 20 printable ASCII characters" failed={failed} />
          <button type="submit">Create tenant</button>
        </form>
      </section>
    </AdminPage>
  );
}

/** The tenants list, a new tenant, and "View as this tenant" (the session's acting tenant, shown in a banner until stopped). */
export const adminTenants: ConsoleFeature = (app, kit) => {
  const { deps, signedIn, csrfChecked, html } = kit;
  const tenancy = deps.tenancy;
  const admin = adminOnly(kit);
  const listPage = (offset: number) => listTenants(tenancy.directory(), {}, { limit: pageSize, offset });

  app.get('/admin', signedIn, admin, (c) => {
    const offset = Math.max(0, Number.parseInt(c.req.query('offset') ?? '0', 10) || 0);
    return html(c, <TenantsPage page={listPage(offset)} session={c.get('session')} />);
  });

  app.post('/admin/tenants', signedIn, admin, csrfChecked, async (c) => {
    const session = c.get('session');
    const values = await formValues(c);
    const input = { name: values.name ?? '', email: nullable(values.email), settings: { faxIdent: nullable(values['settings.faxIdent']) } };
    const outcome = await attempt('tenant-new', values, tenantInput, input, (valid) => tenancy.commands.as(actorOf(session)).createTenant(valid));
    if ('failed' in outcome) return html(c, <TenantsPage page={listPage(0)} session={session} failed={outcome.failed} />, outcome.failed.status);
    return c.redirect(`/admin/tenants/${encodeURIComponent(outcome.ok)}`, 303);
  });

  app.post('/admin/acting-tenant', signedIn, admin, csrfChecked, async (c) => {
    const session = c.get('session');
    const tenantId = (await formValues(c)).tenantId?.trim();
    const tenant = tenantId ? findTenant(tenancy.directory(), tenantId) : undefined;
    if (tenantId && !tenant) return kit.html(c, <AdminPage title="Tenant not found" section="/admin" session={session}><p class="notice" role="alert">There is no tenant {tenantId}.</p></AdminPage>, 404);
    session.actingTenantId = tenant?.id;
    session.actingTenantName = tenant?.name;
    return c.redirect(tenant ? '/inbox' : '/admin', 303);
  });
};
