import type { Context } from 'hono';
import { closeAfterAnswer } from './lingeringClose.js';
import { problemResponse } from './problem.js';

/**
 * A 413 problem for a body refused before its end. The connection closes once the answer is
 * written (lingeringClose.ts), instead of reading the whole rest of the body to keep it alive for
 * another request.
 */
export function refuseTooLarge(c: Context, problem: { field: string; detail: string; [extension: string]: unknown }): Response {
  closeAfterAnswer(c);
  return problemResponse(c, { type: 'about:blank', title: 'Content Too Large', status: 413, ...problem });
}
