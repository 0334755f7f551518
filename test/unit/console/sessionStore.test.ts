import { describe, expect, it } from 'vitest';
import { createSessionStore, csrfMatches } from '../../../src/console/sessions.js';

describe('console sessions', () => {
  const clockAt = () => {
    const clock = { ms: Date.parse('2026-01-01T00:00:00Z'), now: () => new Date(clock.ms) };
    return clock;
  };

  it('end after the idle timeout without a request, and live on while used', () => {
    const clock = clockAt();
    const sessions = createSessionStore({ idleTimeoutMs: 30 * 60_000, clock });
    const session = sessions.create({ kind: 'admin' });
    clock.ms += 29 * 60_000;
    expect(sessions.touch(session.id)).toBe(session);
    clock.ms += 29 * 60_000;
    expect(sessions.touch(session.id)).toBe(session);
    clock.ms += 30 * 60_000 + 1;
    expect(sessions.touch(session.id)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  it('end on sign-out, and know no made-up id', () => {
    const sessions = createSessionStore({ idleTimeoutMs: 60_000, clock: clockAt() });
    const session = sessions.create({ kind: 'admin' });
    expect(sessions.touch('made-up')).toBeUndefined();
    sessions.end(session.id);
    expect(sessions.touch(session.id)).toBeUndefined();
  });

  it('accept only the CSRF token of their own session', () => {
    const sessions = createSessionStore({ idleTimeoutMs: 60_000, clock: clockAt() });
    const one = sessions.create({ kind: 'admin' });
    const two = sessions.create({ kind: 'admin' });
    expect(csrfMatches(one, one.csrfToken)).toBe(true);
    expect(csrfMatches(one, two.csrfToken)).toBe(false);
    expect(csrfMatches(one, undefined)).toBe(false);
    expect(csrfMatches(one, '')).toBe(false);
  });
});
