import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConflictError, DomainError, GoneError, NotFoundError, NotPermittedError, TooLargeError, ValidationError } from '../domain/errors.js';
import { DocumentIntegrityError } from '../ports/documentStore.js';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../ports/eventStore.js';

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The offending input field, for validation problems. */
  field?: string;
  [extension: string]: unknown;
}

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** The RFC 9110 reason phrase of a status, for a problem's `title`. */
export function statusTitle(status: number): string {
  return titles[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

/** Maps a thrown error to the problem it stands for; anything unknown is a 500 (a bug). */
export function problemFor(error: unknown): Problem {
  if (error instanceof ValidationError) {
    return { ...error.details, type: 'about:blank', title: 'Unprocessable Content', status: 422, detail: error.message, field: error.field };
  }
  if (error instanceof NotPermittedError) return { type: 'about:blank', title: 'Forbidden', status: 403, detail: error.message, field: error.field };
  if (error instanceof TooLargeError) {
    return { ...error.details, type: 'about:blank', title: 'Content Too Large', status: 413, detail: error.message, field: error.field };
  }
  if (error instanceof GoneError) return { ...error.details, type: 'about:blank', title: 'Gone', status: 410, detail: error.message };
  if (error instanceof NotFoundError) return { type: 'about:blank', title: 'Not Found', status: 404, detail: error.message };
  if (error instanceof ConflictError || error instanceof WrongExpectedRevisionError) {
    return { type: 'about:blank', title: 'Conflict', status: 409, detail: error.message };
  }
  if (error instanceof EventStoreUnavailableError) {
    return { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'event store unavailable' };
  }
  // Said in words: a document whose stored bytes were changed, or whose key was removed from the ring.
  if (error instanceof DocumentIntegrityError) return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: error.message };
  if (error instanceof DomainError) return { type: 'about:blank', title: 'Bad Request', status: 400, detail: error.message };
  return { type: 'about:blank', title: 'Internal Server Error', status: 500 };
}
