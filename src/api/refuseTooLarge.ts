import type { Context } from 'hono';
import { problemResponse } from './problem.js';

/**
 * A 413 problem for a body refused before its end. `Connection: close` makes Node end the
 * connection once the answer is written, instead of reading (and discarding) the rest of the body
 * to keep the connection alive for another request.
 */
export function refuseTooLarge(c: Context, problem: { field: string; detail: string; [extension: string]: unknown }): Response {
  c.header('Connection', 'close');
  return problemResponse(c, { type: 'about:blank', title: 'Content Too Large', status: 413, ...problem });
}
