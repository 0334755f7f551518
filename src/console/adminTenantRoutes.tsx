import type { Context } from 'hono';
import { z } from 'zod';
import { findTenant, findUser } from '../../projections/directoryQueries.js';
import { apiKeyInput, numberInput, numberPatch, tenantPatch, userInput } from '../api/routes/v1/schemas.js';
import { actorOf, adminOnly, attempt, formValues, nullable, optional, type FormValues } from './adminKit.js';
import { privacyInput } from './adminPrivacy.js';
import { DeleteTenantPage, tenantNotFound, tenantPageResponse } from './adminTenantPage.js';
import type { ConsoleEnv, ConsoleFeature } from './consoleKit.js';

const anything = z.unknown();

/** One tenant's page and its forms: profile, delete, numbers, users, API keys. Each change is the API's command, recorded as the signed-in admin's. */
export const adminTenantRoutes: ConsoleFeature = (app, kit) => {
  const { deps, signedIn, csrfChecked, html } = kit;
  const admin = adminOnly(kit);
  const guard = [signedIn, admin, csrfChecked] as const;
  const commands = (c: Context<ConsoleEnv>) => deps.tenancy.commands.as(actorOf(c.get('session')));
  const tenantOf = (c: Context) => c.req.param('id')!;
  const back = (c: Context, anchor = '') => c.redirect(`/admin/tenants/${encodeURIComponent(tenantOf(c))}${anchor}`, 303);

  /** Runs a form's command; refused, the tenant page again with the form as typed and the API's words; done, back to the page. */
  async function submit<S extends z.ZodType>(c: Context<ConsoleEnv>, form: string, schema: S, input: (values: FormValues) => unknown, command: (valid: z.output<S>) => Promise<unknown>, anchor = '') {
    const values = await formValues(c);
    const outcome = await attempt(form, values, schema, input(values), command);
    if ('failed' in outcome) return tenantPageResponse(c, kit, c.get('session'), tenantOf(c), { failed: outcome.failed });
    return back(c, anchor);
  }

  app.get('/admin/tenants/:id', signedIn, admin, (c) => tenantPageResponse(c, kit, c.get('session'), tenantOf(c)));
  app.post('/admin/tenants/:id', ...guard, (c) =>
    submit(
      c,
      'tenant-edit',
      tenantPatch,
      (v) => ({ name: v.name ?? '', email: nullable(v.email), settings: { faxIdent: nullable(v['settings.faxIdent']), faxHeader: nullable(v['settings.faxHeader']), ...privacyInput(v, 'settings.') } }),
      (valid) => commands(c).updateTenant(tenantOf(c), valid),
    ),
  );

  app.get('/admin/tenants/:id/delete', signedIn, admin, (c) => {
    const session = c.get('session');
    const tenant = findTenant(deps.tenancy.directory(), tenantOf(c));
    return tenant ? html(c, <DeleteTenantPage tenant={tenant} session={session} />) : tenantNotFound(c, kit, session, tenantOf(c));
  });
  app.post('/admin/tenants/:id/delete', ...guard, async (c) => {
    const session = c.get('session');
    if (!findTenant(deps.tenancy.directory(), tenantOf(c))) return tenantNotFound(c, kit, session, tenantOf(c));
    await commands(c).deleteTenant(tenantOf(c));
    if (session.actingTenantId === tenantOf(c)) session.actingTenantId = session.actingTenantName = undefined;
    return c.redirect('/admin', 303);
  });

  app.post('/admin/tenants/:id/numbers', ...guard, (c) =>
    submit(
      c,
      'number-new',
      numberInput,
      (v) => ({ number: v.number ?? '', displayName: optional(v.displayName), stationIdent: optional(v.stationIdent) }),
      (valid) => commands(c).assignNumber(tenantOf(c), valid),
      '#numbers-heading',
    ),
  );
  app.post('/admin/tenants/:id/numbers/:numberId', ...guard, (c) =>
    submit(
      c,
      `number-${c.req.param('numberId')}`,
      numberPatch,
      (v) => ({ displayName: nullable(v.displayName), stationIdent: nullable(v.stationIdent), ...privacyInput(v, '') }),
      (valid) => commands(c).updateNumber(tenantOf(c), c.req.param('numberId'), valid),
      '#numbers-heading',
    ),
  );
  app.post('/admin/tenants/:id/numbers/:numberId/release', ...guard, (c) =>
    submit(c, `number-${c.req.param('numberId')}`, anything, () => undefined, () => commands(c).releaseNumber(tenantOf(c), c.req.param('numberId')), '#numbers-heading'),
  );

  app.post('/admin/tenants/:id/users', ...guard, (c) =>
    submit(c, 'user-new', userInput, (v) => ({ username: v.username?.trim() ?? '', password: v.password ?? '' }), (valid) => commands(c).createUser(tenantOf(c), valid), '#users-heading'),
  );
  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/admin/tenants/:id/users/:userId/${action}`, ...guard, (c) =>
      submit(c, `key-${c.req.param('userId')}`, anything, () => undefined, () => commands(c).updateUser(tenantOf(c), c.req.param('userId'), { disabled }), '#users-heading'),
    );
  }
  app.post('/admin/tenants/:id/users/:userId/keys', ...guard, async (c) => {
    const session = c.get('session');
    const userId = c.req.param('userId');
    const values = await formValues(c);
    const outcome = await attempt(`key-${userId}`, values, apiKeyInput, { label: nullable(values.label) }, (valid) => commands(c).issueApiKey(tenantOf(c), userId, valid));
    if ('failed' in outcome) return tenantPageResponse(c, kit, session, tenantOf(c), { failed: outcome.failed });
    // Shown on this response only (never in a URL or a later page): the key is not stored.
    const username = findUser(deps.tenancy.directory(), userId)?.username ?? userId;
    return tenantPageResponse(c, kit, session, tenantOf(c), { issued: { username, key: outcome.ok.key } });
  });
  app.post('/admin/tenants/:id/users/:userId/keys/:keyId/revoke', ...guard, (c) =>
    submit(c, `key-${c.req.param('userId')}`, anything, () => undefined, () => commands(c).revokeApiKey(tenantOf(c), c.req.param('userId'), c.req.param('keyId')), '#users-heading'),
  );
};
