import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/api/auth/passwords.js';
import { serveOverHttp, type HttpAnswer, type ServedApp } from '../../support/httpFrom.js';
import { adminAuth, basic, disposeTenancyHarness, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';

type Json = Record<string, any>;

// Linux routes all of 127/8 to loopback, so each test client can have an address of its own.
const attacker = '127.0.0.66';
const user = '127.0.0.10';
const alice = basic('alice', 'alice password');

/** Failed logins are throttled per address and per account (issue #16, defect 5), over real HTTP. */
describe('login throttle', () => {
  let h: TenancyHarness;
  let served: ServedApp;
  let nowMs: number;
  let hashChecks: number;
  let aliceKey: string;

  async function start(options: { realScrypt?: boolean; trustedProxies?: string[] } = {}) {
    nowMs = Date.parse('2026-06-01T12:00:00Z');
    hashChecks = 0;
    h = await startTenancyHarness({
      clock: { now: () => new Date(nowMs) },
      tenancy: {
        // Counts every scrypt verification the login path runs.
        verifyPassword: (password, hash) => {
          hashChecks++;
          return verifyPassword(password, hash);
        },
        ...(options.realScrypt ? { hashPassword: (password: string) => hashPassword(password) } : {}),
        trustedProxies: options.trustedProxies ?? [],
        // These tests count the scrypt runs the throttle allows; cached logins are verifiedCredentials.test.ts's.
        verifiedCredentials: { ttlMs: 0, maxEntries: 0 },
      },
    });
    const tenant = (await (await h.call('POST', '/v1/tenants', { name: 'A' })).json()) as Json;
    expect((await h.call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'alice', password: 'alice password' })).status).toBe(201);
    aliceKey = ((await (await h.call('POST', '/v1/me/api-keys', { label: 'ci' }, alice)).json()) as Json).key;
    hashChecks = 0;
    served = await serveOverHttp(h.app);
  }

  const get = (from: string, path: string, authorization: string) => served.request(from, 'GET', path, authorization);
  const statuses = (answers: HttpAnswer[]) => answers.map((answer) => answer.status);
  const advance = (seconds: number) => (nowMs += seconds * 1000);

  beforeEach(() => start());
  afterEach(async () => {
    await served.close();
    await disposeTenancyHarness(h);
  });

  it('throttles admin-key guesses with rotating user names from one address, without hashing the throttled ones', async () => {
    const answers: HttpAnswer[] = [];
    for (let guess = 0; guess < 60; guess++) answers.push(await get(attacker, '/v1/tenants', basic(`user${guess}`, `admin key guess ${guess}`)));
    // Five free failures, then every further guess waits: 429 with Retry-After, decided before any check.
    expect(statuses(answers).slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses(answers).slice(5)).toEqual(Array(55).fill(429));
    expect(Number(answers[59]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(hashChecks).toBe(5);
    // Another address is not affected.
    expect((await get(user, '/v1/tenants', adminAuth)).status).toBe(200);
  });

  it('rejects a throttled address\'s wrong passwords without running scrypt, and slows it down more with each failure', async () => {
    const spray = async (count: number) => {
      const answers: HttpAnswer[] = [];
      for (let i = 0; i < count; i++) answers.push(await get(attacker, '/v1/me', basic(`name${i % 7}`, `password ${i}`)));
      return answers;
    };
    expect(statuses(await spray(5))).toEqual([401, 401, 401, 401, 401]);
    expect(hashChecks).toBe(5);
    const throttled = await spray(30);
    expect(statuses(throttled)).toEqual(Array(30).fill(429));
    expect(hashChecks).toBe(5);
    // Once the wait is over the address gets one more try; failing doubles the wait (1 s, 2 s, ...).
    advance(Number(throttled[29]!.headers['retry-after']));
    expect(statuses(await spray(2))).toEqual([401, 429]);
    expect(hashChecks).toBe(6);
    const wait = (await get(attacker, '/v1/me', basic('name1', 'again'))).headers['retry-after'];
    expect(Number(wait)).toBe(2);
  });

  it('lets a valid user in during a 400-request spray of wrong passwords from another address', { timeout: 120_000 }, async () => {
    await served.close();
    await disposeTenancyHarness(h);
    // Real scrypt cost here: the spray must not be able to buy server CPU.
    await start({ realScrypt: true });
    const names = ['alice', 'bob', 'carol', 'dave', 'admin', 'root', 'fax', 'test'];
    const spray = Promise.all(Array.from({ length: 400 }, (_, i) => get(attacker, '/v1/me', basic(names[i % names.length]!, `Winter2026!${i}`))));
    const started = Date.now();
    const valid = await get(user, '/v1/me', alice);
    const elapsed = Date.now() - started;
    expect(valid.status).toBe(200);
    expect((JSON.parse(valid.body) as Json).user.username).toBe('alice');
    const sprayed = await spray;
    expect(statuses(sprayed).filter((status) => status === 401)).toHaveLength(5);
    expect(statuses(sprayed).filter((status) => status === 429)).toHaveLength(395);
    // The spray bought five password checks, and Alice's own was the sixth.
    expect(hashChecks).toBe(6);
    // Generous: six scrypt checks, however loaded the machine (before the redesign: 400).
    expect(elapsed).toBeLessThan(20_000);
    // Decided: the spraying address itself is refused before any check, Alice included, until
    // its Retry-After has passed (one address may be a NAT of many people; the wait is short).
    const fromAttacker = await get(attacker, '/v1/me', alice);
    expect(fromAttacker.status).toBe(429);
    advance(Number(fromAttacker.headers['retry-after']));
    expect((await get(attacker, '/v1/me', alice)).status).toBe(200);
  });

  it('10 bogus Bearer tokens do not lock out a valid API key: at once from another address, after a short wait from the same', async () => {
    const bogus: HttpAnswer[] = [];
    for (let i = 0; i < 10; i++) bogus.push(await get(attacker, '/v1/me', `Bearer fxk_bogus${i}`));
    expect(statuses(bogus)).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    expect((await get(user, '/v1/me', `Bearer ${aliceKey}`)).status).toBe(200);
    // The same address waits out its Retry-After (1 s after five failures), not a five-minute lockout.
    expect((await get(attacker, '/v1/me', `Bearer ${aliceKey}`)).status).toBe(429);
    advance(2);
    expect((await get(attacker, '/v1/me', `Bearer ${aliceKey}`)).status).toBe(200);
    expect(hashChecks).toBe(0);
  });

  it('10 bad tries on the name admin do not lock out the real admin key', async () => {
    for (let i = 0; i < 10; i++) expect([401, 429]).toContain((await get(attacker, '/v1/tenants', basic('admin', `not the key ${i}`))).status);
    expect((await get(user, '/v1/tenants', adminAuth)).status).toBe(200);
    expect((await get('127.0.0.11', '/admin/reload', adminAuth)).status).toBe(200);
    advance(2);
    expect((await get(attacker, '/v1/tenants', adminAuth)).status).toBe(200);
  });

  it('an account attacked from many addresses slows those addresses only; the right password from a clean address goes through', async () => {
    const bots = Array.from({ length: 12 }, (_, i) => `127.0.1.${i + 1}`);
    for (const bot of bots) expect((await get(bot, '/v1/me', basic('alice', `guess from ${bot}`))).status).toBe(401);
    // Twelve failures on alice: each address that failed now waits for the account's delay...
    const again = await get(bots[0]!, '/v1/me', basic('alice', 'second guess'));
    expect(again.status).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(bots[1]!, '/v1/me', alice)).status).toBe(429);
    // ...while Alice, from an address with no failures, gets in at once.
    expect((await get(user, '/v1/me', alice)).status).toBe(200);
    expect(hashChecks).toBe(13);
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    await served.close();
    await disposeTenancyHarness(h);
    const proxy = '127.0.0.5';
    await start({ trustedProxies: [proxy] });
    const via = (client: string, authorization: string, from = proxy) => served.request(from, 'GET', '/v1/me', authorization, { 'x-forwarded-for': client });
    // Behind the proxy, each client is counted on its own...
    for (let i = 0; i < 6; i++) await via('198.51.100.1', basic('alice', `guess ${i}`));
    expect((await via('198.51.100.1', alice)).status).toBe(429);
    expect((await via('198.51.100.2', alice)).status).toBe(200);
    // ...while anyone else's header is ignored: a rotating X-Forwarded-For does not escape the throttle.
    const spoofed: HttpAnswer[] = [];
    for (let i = 0; i < 8; i++) spoofed.push(await via(`203.0.113.${i}`, basic('alice', `guess ${i}`), attacker));
    expect(statuses(spoofed).slice(5)).toEqual([429, 429, 429]);
  });
});
