import { HTTPException } from 'hono/http-exception';

/** Authenticated, but this caller may not do this: a 403 problem. */
export class ForbiddenError extends HTTPException {
  constructor(detail: string) {
    super(403, {
      res: new Response(JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, detail }), {
        status: 403,
        headers: { 'content-type': 'application/problem+json' },
      }),
    });
  }
}
