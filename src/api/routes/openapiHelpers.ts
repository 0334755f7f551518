import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { ValidationError } from '../../domain/errors.js';
import type { AuthEnv } from '../auth/principal.js';
import type { z } from '@hono/zod-openapi';
import { problemSchema } from './v1/schemas.js';

/** Small builders for route definitions, so each route reads as method, path, input and output. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

export const problemResponses = {
  400: problem('malformed request body (not JSON, or not a form)'),
  401: problem('missing or wrong credentials'),
  403: problem('needs the admin API key'),
  404: problem('not found (or belongs to another tenant)'),
  409: problem('conflicts with the current state'),
  410: problem('gone for good: the fax was purged (its document, page images, notification targets); `purgedAt` says when'),
  413: problem('request body too large'),
  415: problem('the body is not of a type this route takes (see its request body)'),
  422: problem('invalid input; `field` names it'),
  429: problem('too many failed logins; `Retry-After` says when to try again'),
  503: problem('admin API disabled (no admin.apiKey)'),
} as const;

export const noContent = { 204: { description: 'done' } } as const;

export const anyAuth: Record<string, string[]>[] = [{ basicAuth: [] }, { bearerAuth: [] }];
export const adminAuth: Record<string, string[]>[] = [{ adminBasicAuth: [] }];

/** Sub-apps do not inherit the app's hook: this turns a zod failure into a 422 problem naming the field. */
export const validationHook = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[] } }): void => {
  if (result.success) return;
  const issue = result.error?.issues[0];
  // Only a query is validated strictly (strictQuery): an unknown key there is a parameter misspelt or not supported.
  if (issue?.code === 'unrecognized_keys' && issue.path.length === 0 && issue.keys?.length) {
    throw new ValidationError(issue.keys[0]!, `unknown query parameter (misspelt, or not one this operation takes): ${issue.keys.join(', ')}`);
  }
  throw new ValidationError(issue?.path.map(String).join('.') || 'body', issue?.message ?? 'invalid request');
};

/**
 * A /v1 route refuses query parameters it does not define (422 naming the first), as the best APIs
 * do: a misspelt `limt=5` or `stauts=failed` silently ignored would answer something else than was
 * asked. Signed document links are left lenient: mail scanners and trackers append their own.
 */
function strictQuery<R extends RouteConfig>(route: R): R {
  const query = route.request?.query as { strict?: () => unknown } | undefined;
  if (!route.path.startsWith('/v1/') || route.path.startsWith('/v1/documents/') || typeof query?.strict !== 'function') return route;
  return { ...route, request: { ...route.request, query: query.strict() } };
}

/**
 * The answers every route of a kind can give, whether or not its definition lists them, so the
 * OpenAPI document is exact: credentials (401, and 429 from the login limiter), the admin key on
 * /v1 admin routes (403 to a tenant user; 503 when the admin API is off), invalid input (422), and
 * for a body: malformed (400), of another type (415) or too large (413).
 */
export function withCommonResponses<R extends RouteConfig>(route: R): R {
  const P = problemResponses;
  const extra: Partial<Record<keyof typeof P, (typeof P)[keyof typeof P]>> = {};
  const security = route.security ?? [];
  if (security.length > 0) Object.assign(extra, { 401: P[401], 429: P[429] });
  if (security === adminAuth) Object.assign(extra, route.path.startsWith('/v1/') ? { 403: P[403], 503: P[503] } : { 503: P[503] });
  const request = route.request;
  if (request && (request.params || request.query || request.body || request.headers)) extra[422] = P[422];
  if (request?.body) Object.assign(extra, { 400: P[400], 413: P[413], 415: P[415] });
  return { ...route, responses: { ...extra, ...route.responses } };
}

/**
 * A required body must be there: without this, a request with no body (and no content type)
 * reaches the handler as `{}`, and a PATCH without a body "succeeds" doing nothing.
 */
const bodyRequired = createMiddleware(async (c, next) => {
  // A body without a content type is the 415 of @hono/zod-openapi's media type gate; no body is ours.
  const length = c.req.header('content-length');
  const empty = !c.req.header('transfer-encoding') && (length === undefined || Number(length) === 0);
  if (!c.req.header('content-type') && empty) throw new ValidationError('body', 'required: send a JSON object');
  await next();
});

/**
 * A route module: an OpenAPIHono that knows the principal, reports bad input as 422, refuses a
 * missing required body, and documents the answers every route can give (withCommonResponses).
 */
export const routeModule = () => {
  const routes = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const register = routes.openapi;
  routes.openapi = ((route: RouteConfig, handler: never, hook: never) => {
    const complete = withCommonResponses(strictQuery(route));
    const middleware = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
    const needsBody = route.request?.body?.required === true;
    return register({ ...complete, ...(needsBody ? { middleware: [bodyRequired, ...middleware] } : {}) } as never, handler, hook);
  }) as typeof register;
  return routes;
};
