import type { Context } from 'hono';
import { z } from 'zod';
import { credentialsCollections, type Login } from '../../projections/credentialsProjection.js';
import { findApiKey, listApiKeys } from '../../projections/directoryQueries.js';
import { apiKeyInput, passwordChange } from '../api/routes/v1/schemas.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { CsrfField, Field, FormError, actorOf, attempt, formValues, nullable, type FormFailure } from './adminKit.js';
import type { ConsoleEnv, ConsoleFeature, ConsoleKit } from './consoleKit.js';
import { KeyList } from './adminUsers.js';
import { currentLogin } from './currentLogin.js';
import { MessagePage } from './faxPage.js';
import { Layout } from './layout.js';
import type { ConsoleSession } from './sessions.js';

type UserSession = ConsoleSession & { principal: { kind: 'user'; userId: string; tenantId: string; username: string } };

function AccountPage({ kit, session, failed, issuedKey }: { kit: ConsoleKit; session: UserSession; failed?: FormFailure | undefined; issuedKey?: string | undefined }) {
  const keys = listApiKeys(kit.deps.tenancy.directory(), session.principal.userId, { limit: 500, offset: 0 }).items;
  return (
    <Layout title="Your account" session={session}>
      <h1>Your account ({session.principal.username})</h1>
      <section aria-labelledby="password-heading">
        <form method="post" action="/account/password" class="admin-form">
          <h2 id="password-heading">Change your password</h2>
          <CsrfField session={session} />
          <FormError form="password" failed={failed} fields={['currentPassword', 'newPassword']} />
          <Field form="password" name="currentPassword" label="Current password" type="password" required autocomplete="current-password" failed={failed} />
          <Field form="password" name="newPassword" label="New password" type="password" required hint="8–256 characters" autocomplete="new-password" failed={failed} />
          <button type="submit">Change password</button>
        </form>
      </section>
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">Your API keys</h2>
        {issuedKey && (
          <div class="secret" role="status">
            <p>Your new API key. Copy it now: it is not shown again.</p>
            <p>
              <code id="issued-key">{issuedKey}</code>
            </p>
          </div>
        )}
        <KeyList base="/account" keys={keys} session={session} />
        <form method="post" action="/account/keys" class="row-form">
          <CsrfField session={session} />
          <FormError form="key" failed={failed} fields={['label']} />
          <Field form="key" name="label" label="Label of a new key" failed={failed} />
          <button type="submit">Issue API key</button>
        </form>
      </section>
    </Layout>
  );
}

/**
 * A tenant user's own account, as the API's /v1/me lets them manage it: their password (the
 * current one is checked) and their API keys. The admin key has no user, so the admin gets a 403 page.
 */
export const adminAccount: ConsoleFeature = (app, kit) => {
  const { deps, signedIn, csrfChecked, html } = kit;
  const userOnly = (c: Context<ConsoleEnv>): UserSession | Response | Promise<Response> => {
    const session = c.get('session');
    if (session.principal.kind !== 'user') return html(c, <MessagePage title="No account" message="The admin API key has no user account; sign in as a tenant user." session={session} />, 403);
    return session as UserSession;
  };
  const commands = (session: UserSession) => deps.tenancy.commands.as(actorOf(session));
  const page = (c: Context, session: UserSession, extra: { failed?: FormFailure; issuedKey?: string } = {}) =>
    html(c, <AccountPage kit={kit} session={session} failed={extra.failed} issuedKey={extra.issuedKey} />, extra.failed?.status ?? 200);

  app.get('/account', signedIn, (c) => {
    const session = userOnly(c);
    return 'principal' in session ? page(c, session) : session;
  });
  app.post('/account/password', signedIn, csrfChecked, async (c) => {
    const session = userOnly(c);
    if (!('principal' in session)) return session;
    const values = await formValues(c);
    const { userId, tenantId } = session.principal;
    const outcome = await attempt('password', values, passwordChange, { currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' }, async ({ currentPassword, newPassword }) => {
      const login = deps.credentials().get<Login>(credentialsCollections.logins, userId);
      if (!login || !(await deps.tenancy.verifyPassword(currentPassword, login.passwordHash))) throw new ValidationError('currentPassword', 'does not match');
      await commands(session).updateUser(tenantId, userId, { password: newPassword });
    });
    if ('failed' in outcome) return page(c, session, { failed: outcome.failed });
    // This browser changed it, so this session goes on (others of the same user end, as the API's old credentials do).
    session.passwordHash = currentLogin(deps.credentials, userId, undefined)?.passwordHash;
    return c.redirect('/account', 303);
  });
  app.post('/account/keys', signedIn, csrfChecked, async (c) => {
    const session = userOnly(c);
    if (!('principal' in session)) return session;
    const values = await formValues(c);
    const outcome = await attempt('key', values, apiKeyInput, { label: nullable(values.label) }, (valid) => commands(session).issueApiKey(session.principal.tenantId, session.principal.userId, valid));
    if ('failed' in outcome) return page(c, session, { failed: outcome.failed });
    return page(c, session, { issuedKey: outcome.ok.key });
  });
  app.post('/account/keys/:keyId/revoke', signedIn, csrfChecked, async (c) => {
    const session = userOnly(c);
    if (!('principal' in session)) return session;
    const values = await formValues(c);
    const keyId = c.req.param('keyId');
    const outcome = await attempt('key', values, z.unknown(), undefined, async () => {
      if (findApiKey(deps.tenancy.directory(), keyId)?.userId !== session.principal.userId) throw new NotFoundError(`API key ${keyId} not found`);
      await commands(session).revokeApiKey(session.principal.tenantId, session.principal.userId, keyId);
    });
    if ('failed' in outcome) return page(c, session, { failed: outcome.failed });
    return c.redirect('/account', 303);
  });
};
