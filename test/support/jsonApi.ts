type Json = Record<string, any>;

/**
 * JSON requests to a running server whose port may change (a restarted child process): a 3xx or
 * worse answer throws with its status and body, so a test fails where the API said no.
 */
export function jsonApi(base: () => string, defaultAuthorization: string) {
  return async function call(method: string, path: string, body?: unknown, authorization = defaultAuthorization): Promise<Json> {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  };
}
