import type { Context } from 'hono';
import { findTenant, listApiKeys, listEndpoints, listNumbers, listUsers } from '../../projections/directoryQueries.js';
import type { TenantView } from '../../projections/directoryModel.js';
import { AdminPage, CsrfField, Field, FormError, type FormFailure } from './adminKit.js';
import { NumbersSection } from './adminNumbers.js';
import { PrivacyFields, privacyFieldNames } from './adminPrivacy.js';
import { UsersSection, type IssuedKey } from './adminUsers.js';
import type { ConsoleKit } from './consoleKit.js';
import type { ConsoleSession } from './sessions.js';

export const profileFields = ['name', 'email', 'settings.faxIdent', 'settings.faxHeader', ...privacyFieldNames('settings.')] as const;
const all = { limit: 500, offset: 0 };

/** The tenant's profile form, the way to delete it, its numbers, users and keys, and a link to its endpoints. */
function TenantPage(props: { tenant: TenantView; kit: ConsoleKit; session: ConsoleSession; failed?: FormFailure | undefined; issued?: IssuedKey | undefined }) {
  const { tenant, session, failed } = props;
  const directory = props.kit.deps.tenancy.directory();
  const id = encodeURIComponent(tenant.id);
  const numbers = listNumbers(directory, { tenantId: tenant.id }, all).items;
  const users = listUsers(directory, { tenantId: tenant.id }, all).items.map((user) => ({ user, keys: listApiKeys(directory, user.id, all).items }));
  const endpoints = listEndpoints(directory, { tenantId: tenant.id }, all).total;
  return (
    <AdminPage title={`Tenant ${tenant.name}`} section="/admin" session={session}>
      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <form method="post" action={`/admin/tenants/${id}`} class="admin-form">
          <CsrfField session={session} />
          <FormError form="tenant-edit" failed={failed} fields={profileFields} />
          <Field form="tenant-edit" name="name" label="Name" required value={tenant.name} failed={failed} />
          <Field form="tenant-edit" name="email" label="E-mail" type="email" value={tenant.email ?? ''} failed={failed} />
          <Field form="tenant-edit" name="settings.faxIdent" label="Fax ident" value={tenant.settings.faxIdent ?? ''} hint="At most 20 printable ASCII characters" failed={failed} />
          <Field form="tenant-edit" name="settings.faxHeader" label="Fax header" value={tenant.settings.faxHeader ?? ''} failed={failed} />
          <PrivacyFields form="tenant-edit" prefix="settings." notifyDocument={tenant.settings.notifyDocument} storeNothing={tenant.settings.storeNothing} failed={failed} />
          <button type="submit">Save profile</button>
        </form>
        <p>
          <a href={`/admin/endpoints?tenantId=${id}`}>Endpoints and gateways of {tenant.name}</a> ({endpoints}) · <a href={`/admin/tenants/${id}/delete`}>Delete {tenant.name}…</a>
        </p>
      </section>
      <NumbersSection tenantId={tenant.id} numbers={numbers} session={session} failed={failed} tenantPrivacy={tenant.settings} />
      <UsersSection tenantId={tenant.id} users={users} session={session} failed={failed} issued={props.issued} />
    </AdminPage>
  );
}

/** The tenant page, after a refused form (its status) or an issued key; the 404 page when there is no such tenant. */
export function tenantPageResponse(c: Context, kit: ConsoleKit, session: ConsoleSession, tenantId: string, extra: { failed?: FormFailure; issued?: IssuedKey } = {}) {
  const tenant = findTenant(kit.deps.tenancy.directory(), tenantId);
  if (!tenant) return tenantNotFound(c, kit, session, tenantId);
  return kit.html(c, <TenantPage tenant={tenant} kit={kit} session={session} failed={extra.failed} issued={extra.issued} />, extra.failed?.status ?? 200);
}

export function tenantNotFound(c: Context, kit: ConsoleKit, session: ConsoleSession, tenantId: string) {
  return kit.html(
    c,
    <AdminPage title="Tenant not found" section="/admin" session={session}>
      <p class="notice" role="alert">
        There is no tenant {tenantId} (or it was deleted).
      </p>
      <p>
        <a href="/admin">All tenants</a>
      </p>
    </AdminPage>,
    404,
  );
}

/** Deleting a tenant asks first: it releases the numbers and disables the users and endpoints. */
export function DeleteTenantPage({ tenant, session }: { tenant: TenantView; session: ConsoleSession }) {
  return (
    <AdminPage title={`Delete ${tenant.name}?`} section="/admin" session={session}>
      <p class="notice">
        Deleting {tenant.name} releases its numbers and disables its users and endpoints. Its faxes and their history stay.
      </p>
      <form method="post" action={`/admin/tenants/${encodeURIComponent(tenant.id)}/delete`}>
        <CsrfField session={session} />
        <button type="submit" class="danger">
          Delete {tenant.name}
        </button>{' '}
        <a href={`/admin/tenants/${encodeURIComponent(tenant.id)}`}>Keep it</a>
      </form>
    </AdminPage>
  );
}
