import type { startServerAgainst } from './serverHarness.js';

/** A server as the harnesses give it, with or without its simulator. */
type Env = Pick<Awaited<ReturnType<typeof startServerAgainst>>, 'call'>;
type Fax = Record<string, unknown>;

/** The JSON of a successful admin call; anything else fails the test with the server's answer. */
export async function okJson(response: Response): Promise<Record<string, unknown>> {
  if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/**
 * A tenant "Acme" with one number, through the admin API, plus gateway endpoints: `global` ones
 * (e.g. the carrier) and the tenant's own (e.g. its PBX). Answers the tenant's id.
 */
export async function provisionAcme(
  env: Env,
  options: { number?: string; globalGateways?: object[]; tenantGateways?: object[]; user?: { username: string; password: string } } = {},
): Promise<string> {
  const acme = await okJson(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
  await okJson(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: options.number ?? '5551230000' }));
  for (const target of options.globalGateways ?? []) await okJson(await env.call('POST', '/v1/endpoints', { target }));
  for (const target of options.tenantGateways ?? []) await okJson(await env.call('POST', `/v1/tenants/${acme.id}/endpoints`, { target, priority: 0 }));
  if (options.user) await okJson(await env.call('POST', `/v1/tenants/${acme.id}/users`, options.user));
  return String(acme.id);
}

/** Polls `GET /v1/faxes` until `done` holds for the list (or ~10 s pass); answers the last list. */
export async function faxesWhen(env: Env, done: (faxes: Fax[]) => boolean, authorization?: string): Promise<Fax[]> {
  let faxes: Fax[] = [];
  for (let tries = 0; tries < 400; tries++) {
    faxes = ((await (await env.call('GET', '/v1/faxes', undefined, authorization)).json()) as { items: Fax[] }).items;
    if (done(faxes)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return faxes;
}
