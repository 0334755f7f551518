import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src/api/auth/passwords.js';
import type { TenancyApiOptions } from '../../../src/api/tenancyApi.js';
import { basic, disposeTenancyHarness, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';

type Json = Record<string, any>;
const ttlMs = 60_000;

/** HTTP Basic pays for scrypt once per TTL, and a changed, disabled or deleted login is refused at once (issue #17, item 4). */
describe('verified-credentials cache', () => {
  let h: TenancyHarness;
  let nowMs: number;
  let scrypts: number;
  let tenantId: string;

  async function start(verifiedCredentials?: TenancyApiOptions['verifiedCredentials']) {
    nowMs = Date.parse('2026-06-01T12:00:00Z');
    h = await startTenancyHarness({
      clock: { now: () => new Date(nowMs) },
      tenancy: {
        // Counts every scrypt verification a request runs.
        verifyPassword: (password, hash) => {
          scrypts++;
          return verifyPassword(password, hash);
        },
        verifiedCredentials: verifiedCredentials ?? { ttlMs, maxEntries: 100 },
      },
    });
    tenantId = ((await (await h.call('POST', '/v1/tenants', { name: 'A' })).json()) as Json).id;
    scrypts = 0;
  }
  async function createUser(username: string, password: string): Promise<string> {
    const response = await h.call('POST', `/v1/tenants/${tenantId}/users`, { username, password });
    expect(response.status).toBe(201);
    return ((await response.json()) as Json).id;
  }
  const me = async (username: string, password: string) => (await h.call('GET', '/v1/me', undefined, basic(username, password))).status;
  const times = async (count: number, request: () => Promise<number>) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) statuses.push(await request());
    return statuses;
  };

  afterEach(async () => {
    await disposeTenancyHarness(h);
  });

  describe('with the default bounds', () => {
    beforeEach(() => start());

    it('runs scrypt for the first request only, until the TTL has passed', async () => {
      await createUser('alice', 'alice password');
      expect(await times(5, () => me('alice', 'alice password'))).toEqual([200, 200, 200, 200, 200]);
      expect(scrypts).toBe(1);
      nowMs += ttlMs - 1;
      expect(await me('alice', 'alice password')).toBe(200);
      expect(scrypts).toBe(1);
      nowMs += 1;
      expect(await me('alice', 'alice password')).toBe(200);
      expect(scrypts).toBe(2);
    });

    it('never takes a wrong password for a cached one: each failure runs scrypt and answers 401', async () => {
      await createUser('alice', 'alice password');
      expect(await me('alice', 'alice password')).toBe(200);
      expect(await times(3, () => me('alice', 'alice passworD'))).toEqual([401, 401, 401]);
      expect(scrypts).toBe(4);
      // The user name is matched as logins are (case-insensitively), the password exactly.
      expect(await me('ALICE', 'alice password')).toBe(200);
      expect(scrypts).toBe(4);
    });

    it('refuses the old password at once after a password change, and accepts the new one', async () => {
      const aliceId = await createUser('alice', 'alice password');
      expect(await me('alice', 'alice password')).toBe(200);
      const changed = await h.call('PUT', '/v1/me/password', { currentPassword: 'alice password', newPassword: 'alice new password' }, basic('alice', 'alice password'));
      expect(changed.status).toBe(204);
      expect(await me('alice', 'alice password')).toBe(401);
      expect(await me('alice', 'alice new password')).toBe(200);
      // An administrator's reset too, even back to the same password (a new salt, a new hash).
      expect((await h.call('PATCH', `/v1/tenants/${tenantId}/users/${aliceId}`, { password: 'alice new password' })).status).toBe(200);
      scrypts = 0;
      expect(await me('alice', 'alice new password')).toBe(200);
      expect(scrypts).toBe(1);
    });

    it('refuses a disabled user at once, and a deleted one', async () => {
      const aliceId = await createUser('alice', 'alice password');
      const bobId = await createUser('bob', 'bob password');
      expect([await me('alice', 'alice password'), await me('bob', 'bob password')]).toEqual([200, 200]);
      expect((await h.call('PATCH', `/v1/tenants/${tenantId}/users/${aliceId}`, { disabled: true })).status).toBe(200);
      expect(await me('alice', 'alice password')).toBe(401);
      expect((await h.call('PATCH', `/v1/tenants/${tenantId}/users/${aliceId}`, { disabled: false })).status).toBe(200);
      expect(await me('alice', 'alice password')).toBe(200);
      expect((await h.call('DELETE', `/v1/tenants/${tenantId}/users/${bobId}`)).status).toBe(204);
      expect(await me('bob', 'bob password')).toBe(401);
      // Re-created under the same name: only the new password opens it.
      await createUser('bob', 'bob second password');
      expect(await me('bob', 'bob password')).toBe(401);
      expect(await me('bob', 'bob second password')).toBe(200);
    });

    it('does not let a cached login past the address throttle', async () => {
      await createUser('alice', 'alice password');
      expect(await me('alice', 'alice password')).toBe(200);
      expect(await times(6, () => me('alice', 'wrong password'))).toEqual([401, 401, 401, 401, 401, 429]);
      expect(await me('alice', 'alice password')).toBe(429);
      nowMs += 2000;
      expect(await me('alice', 'alice password')).toBe(200);
    });

    it('refuses the users of a deleted tenant at once', async () => {
      await createUser('alice', 'alice password');
      expect(await me('alice', 'alice password')).toBe(200);
      expect((await h.call('DELETE', `/v1/tenants/${tenantId}`)).status).toBe(204);
      expect(await me('alice', 'alice password')).toBe(401);
    });
  });

  it('keeps at most `maxEntries` logins, dropping the least recently used', async () => {
    await start({ ttlMs, maxEntries: 2 });
    for (const name of ['user1', 'user2', 'user3']) await createUser(name, `${name} long password`);
    const login = (name: string) => me(name, `${name} long password`);
    await login('user1');
    await login('user2');
    await login('user1');
    expect(scrypts).toBe(2);
    // user3 pushes out user2, the least recently used; user1 stays.
    await login('user3');
    await login('user1');
    expect(scrypts).toBe(3);
    await login('user2');
    expect(scrypts).toBe(4);
  });

  it('runs scrypt on every request when the TTL is 0', async () => {
    await start({ ttlMs: 0, maxEntries: 100 });
    await createUser('alice', 'alice password');
    expect(await times(3, () => me('alice', 'alice password'))).toEqual([200, 200, 200]);
    expect(scrypts).toBe(3);
  });
});
