import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { refuseTooLarge } from './refuseTooLarge.js';

/** `http.maxJsonBodyBytes` by default: the largest real body (a tenant, an endpoint) is under 2 KiB. */
export const defaultMaxJsonBodyBytes = 64 * 1024;

/**
 * Bounds every request body except those `streamsItself` claims (multipart uploads, read to disk
 * under their own limits). A `Content-Length` over the limit is refused before a byte of the body
 * is read; a chunked body is counted as it arrives and refused at the limit, so at most `maxBytes`
 * of it is ever held. The 413 closes the connection: the rest of the body is never read.
 */
export function jsonBodyLimit(maxBytes: number, streamsItself: (c: Context) => boolean): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => refuseTooLarge(c, { field: 'body', detail: `the request body is larger than ${maxBytes} bytes, the most a request may send (http.maxJsonBodyBytes)` }),
  });
  // GET and HEAD are skipped first: asking @hono/node-server's request for its body builds the whole Request.
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' || streamsItself(c) ? next() : limit(c, next));
}
