import type { Context, Hono } from 'hono';
import { problemResponse } from './problem.js';

/**
 * For a request that matched no route: the methods the app does serve at its path, if any, so
 * the answer can be 405 with `Allow` (RFC 9110 §15.5.6) rather than a 404 that says the resource
 * is missing. Middleware (`use`, method ALL) does not count; a GET route also answers HEAD.
 */
export function allowedMethods(app: Hono<any>): (path: string) => string[] {
  let table: { pattern: RegExp; method: string }[] | undefined;
  const compile = (path: string) =>
    new RegExp(`^${path.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`);
  return (path) => {
    // Built on first use, when every route is registered.
    table ??= app.routes.filter((route) => route.method !== 'ALL').map((route) => ({ pattern: compile(route.path), method: route.method }));
    const methods = new Set(table.filter((route) => route.pattern.test(path)).map((route) => route.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

export function methodNotAllowed(c: Context, allow: string[]): Response {
  c.header('Allow', allow.join(', '));
  return problemResponse(c, { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: `${c.req.method} is not allowed here; use ${allow.join(', ')}` });
}
