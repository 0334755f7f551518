import type { NotificationError } from '../domain/notifications/notificationEvents.js';

/** What one attempt at a notification came to. */
export type AttemptOutcome =
  | { ok: true; detail: { status?: number; response?: string; accepted?: string[]; rejected?: string[] } }
  | { ok: false; error: NotificationError; permanent: boolean };

export const failed = (kind: NotificationError['kind'], message: string, permanent: boolean, code?: number): AttemptOutcome => ({
  ok: false,
  error: { kind, message, ...(code !== undefined ? { code } : {}) },
  permanent,
});
