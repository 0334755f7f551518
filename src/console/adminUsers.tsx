import type { ApiKeyView, UserView } from '../../projections/directoryModel.js';
import { CsrfField, Field, FormError, type FormFailure } from './adminKit.js';
import { shortTime } from './format.js';
import type { ConsoleSession } from './sessions.js';

export const userFields = ['username', 'password'] as const;
export const keyFields = ['label', 'expiresAt'] as const;

/** An API key just issued: the only time its secret is shown. */
export interface IssuedKey {
  username: string;
  key: string;
}

/** API keys with their Revoke forms (`<base>/keys/<id>/revoke`): a user's, on the admin's page and on the user's own. */
export function KeyList({ base, keys, session }: { base: string; keys: readonly ApiKeyView[]; session: ConsoleSession }) {
  if (keys.length === 0) return <p>No API keys.</p>;
  return (
    <ul class="keys">
      {keys.map((key) => (
        <li>
          <code>{key.prefix}…</code> {key.label ?? 'no label'}, created {shortTime(key.createdAt)}
          {key.expiresAt && `, expires ${shortTime(key.expiresAt)}`}
          {key.revokedAt ? (
            <strong> revoked {shortTime(key.revokedAt)}</strong>
          ) : (
            <form method="post" action={`${base}/keys/${encodeURIComponent(key.id)}/revoke`} class="inline">
              <CsrfField session={session} />{' '}
              <button type="submit" class="danger" aria-label={`Revoke key ${key.prefix}`}>
                Revoke
              </button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A tenant's users with their API keys: create a user with a password, enable/disable, issue (secret shown once) and revoke keys. */
export function UsersSection(props: { tenantId: string; users: ReadonlyArray<{ user: UserView; keys: readonly ApiKeyView[] }>; session: ConsoleSession; failed?: FormFailure | undefined; issued?: IssuedKey | undefined }) {
  const { session, failed, issued } = props;
  const tenantBase = `/admin/tenants/${encodeURIComponent(props.tenantId)}/users`;
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">Users and API keys</h2>
      {issued && (
        <div class="secret" role="status">
          <p>
            New API key for {issued.username}. Copy it now: it is not shown again.
          </p>
          <p>
            <code id="issued-key">{issued.key}</code>
          </p>
        </div>
      )}
      {props.users.length === 0 && <p>No users yet.</p>}
      {props.users.map(({ user, keys }) => {
        const base = `${tenantBase}/${encodeURIComponent(user.id)}`;
        const keyForm = `key-${user.id}`;
        return (
          <article class="user" aria-labelledby={`user-${user.id}`}>
            <h3 id={`user-${user.id}`}>
              {user.username} {user.disabled && <span class="status-failed">(disabled)</span>}
            </h3>
            <form method="post" action={`${base}/${user.disabled ? 'enable' : 'disable'}`} class="inline">
              <CsrfField session={session} />
              <button type="submit">{user.disabled ? `Enable ${user.username}` : `Disable ${user.username}`}</button>
            </form>
            <KeyList base={base} keys={keys} session={session} />
            <form method="post" action={`${base}/keys`} class="row-form">
              <CsrfField session={session} />
              <FormError form={keyForm} failed={failed} fields={keyFields} />
              <Field form={keyForm} name="label" label={`Label of a new key for ${user.username}`} failed={failed} />
              <button type="submit">Issue API key</button>
            </form>
          </article>
        );
      })}
      <form method="post" action={tenantBase} class="admin-form">
        <h3>New user</h3>
        <CsrfField session={session} />
        <FormError form="user-new" failed={failed} fields={userFields} />
        <Field form="user-new" name="username" label="User name" required hint="3–64 letters, digits and . _ @ + -; unique on the platform" autocomplete="off" failed={failed} />
        <Field form="user-new" name="password" label="Password" type="password" required hint="8–256 characters" autocomplete="new-password" failed={failed} />
        <button type="submit">Create user</button>
      </form>
    </section>
  );
}
