/** Typed domain errors; the API maps each to an application/problem+json status in one place. */
export class DomainError extends Error {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** The named object does not exist (or is not visible to the caller). → 404 */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
}

/** The command clashes with current state (duplicate, already deleted, …). → 409 */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
}

/** Input is malformed; `field` names the offending field; `details` add problem members (e.g. `fileName`). → 422 */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  constructor(readonly field: string, message: string, details: Record<string, unknown> = {}) {
    super(`${field}: ${message}`, { ...details, field });
  }
}

/** The caller may not use what `field` names (e.g. another tenant's number as sender). → 403 */
export class NotPermittedError extends DomainError {
  override readonly name = 'NotPermittedError';
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`, { field });
  }
}

/** What was asked for existed and was removed for good (a purged fax's document); `details` say when. → 410 */
export class GoneError extends DomainError {
  override readonly name = 'GoneError';
}

/** The input is bigger than a configured limit; `field` names it. → 413 */
export class TooLargeError extends DomainError {
  override readonly name = 'TooLargeError';
  constructor(readonly field: string, message: string, details: Record<string, unknown> = {}) {
    super(`${field}: ${message}`, { ...details, field });
  }
}
