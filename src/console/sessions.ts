import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../api/auth/principal.js';
import type { Clock } from '../ports/clock.js';

/** A signed-in browser: who it is, its CSRF token, and when it was last seen. */
export interface ConsoleSession {
  id: string;
  principal: Principal;
  /** Sent back in a hidden field of every POST form and compared with this. */
  csrfToken: string;
  lastSeen: number;
  /** A user's password hash when signing in: a session outlives no password change. */
  passwordHash?: string | undefined;
  actingTenantId?: string | undefined;
}

/**
 * Console sessions, in memory: a restart signs everyone out (the README says so). A session
 * untouched for `idleTimeoutMs` is gone; expired ones are dropped when looked up or swept.
 */
export function createSessionStore(options: { idleTimeoutMs: number; clock: Clock }) {
  const sessions = new Map<string, ConsoleSession>();
  const now = () => options.clock.now().getTime();
  const expired = (session: ConsoleSession) => now() - session.lastSeen > options.idleTimeoutMs;

  return {
    create(principal: Principal, passwordHash?: string): ConsoleSession {
      sweep();
      const session = { id: randomBytes(32).toString('base64url'), principal, csrfToken: randomBytes(32).toString('base64url'), lastSeen: now(), passwordHash };
      sessions.set(session.id, session);
      return session;
    },
    /** The live session with this id, its idle clock restarted; undefined when unknown or expired. */
    touch(id: string | undefined): ConsoleSession | undefined {
      const session = id === undefined ? undefined : sessions.get(id);
      if (!session) return undefined;
      if (expired(session)) {
        sessions.delete(session.id);
        return undefined;
      }
      session.lastSeen = now();
      return session;
    },
    end(id: string): void {
      sessions.delete(id);
    },
    get size() {
      return sessions.size;
    },
  };

  function sweep(): void {
    for (const session of sessions.values()) if (expired(session)) sessions.delete(session.id);
  }
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(session: ConsoleSession, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
