import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { QueryView } from '../../projections/documentProjection.js';
import type { RetentionLimits } from '../domain/tenancy/validation.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/eventStore.js';
import { createAuth } from './auth/authenticate.js';
import { clientAddress, throttleAddress } from './auth/clientAddress.js';
import { createLoginRateLimiter, type LoginRateLimiter, type LoginThrottleSettings } from './auth/loginRateLimiter.js';
import { createPasswordCheckQueue, type PasswordCheck } from './auth/passwordCheckQueue.js';
import { hashPassword, verifyPassword } from './auth/passwords.js';
import { createVerifiedCredentialsCache } from './auth/verifiedCredentials.js';
import type { TenancyRouteDeps } from './routes/tenancyApiDeps.js';
import { createTenancyCommands } from './services/tenancyCommands.js';

export interface TenancyApiOptions {
  eventStore: EventStore;
  clock: Clock;
  /** admin.apiKey; unset disables the admin API (503). */
  adminApiKey: string | undefined;
  defaultCountry: string;
  /** The operator's limits on a tenant's `retentionDays` (config `records.retention`). */
  retentionLimits?: RetentionLimits;
  /** The read models by projection name (routing, directory, credentials). */
  readModel: (projection: string) => QueryView;
  /** Resolves once the read models include the event at a position. */
  settle: (position: number) => Promise<void>;
  hashPassword?: (password: string) => Promise<string>;
  /** scrypt verification (tests inject one that counts its calls). */
  verifyPassword?: PasswordCheck;
  /** Failed-login throttling (config `auth.*`); defaults as in the README. */
  loginThrottle?: LoginThrottleSettings;
  /** Password checks run at once, and how many may wait (more: 503). */
  passwordChecks?: { concurrency: number; maxQueued: number };
  loginLimiter?: LoginRateLimiter;
  /** `auth.trustedProxies`: peers whose X-Forwarded-For names the client. */
  trustedProxies?: readonly string[];
  /** `auth.credentialsCacheTtl` / `auth.credentialsCacheSize`: successful password checks kept (ttlMs 0: none). Default 60 s, 10,000. */
  verifiedCredentials?: { ttlMs: number; maxEntries: number };
}

/** Builds what the tenancy routes need from the stores; `createApp` mounts them when given. */
export function createTenancyApi(options: TenancyApiOptions): TenancyRouteDeps {
  const hash = options.hashPassword ?? ((password: string) => hashPassword(password));
  const credentials = () => options.readModel('credentials');
  const trustedProxies = new Set(options.trustedProxies ?? []);
  const checkPassword = createPasswordCheckQueue({ verify: options.verifyPassword ?? verifyPassword, ...(options.passwordChecks ?? { concurrency: 2, maxQueued: 100 }) });
  return {
    commands: createTenancyCommands({ eventStore: options.eventStore, clock: options.clock, defaultCountry: options.defaultCountry, hashPassword: hash, settle: options.settle, ...(options.retentionLimits ? { retentionLimits: options.retentionLimits } : {}) }),
    directory: () => options.readModel('directory'),
    routing: () => options.readModel('routing'),
    credentials,
    defaultCountry: options.defaultCountry,
    // The current-password check of a password change queues with the logins.
    verifyPassword: (password, hash) => checkPassword(password, hash, true),
    auth: createAuth({
      adminApiKey: options.adminApiKey,
      credentials,
      clock: options.clock,
      limiter: options.loginLimiter ?? createLoginRateLimiter({ clock: options.clock, settings: options.loginThrottle }),
      clientAddress: (c) => throttleAddress(clientAddress(peerAddress(c), c.req.header('x-forwarded-for'), trustedProxies)),
      hashPassword: hash,
      checkPassword,
      verifiedLogins: createVerifiedCredentialsCache({ ...(options.verifiedCredentials ?? { ttlMs: 60_000, maxEntries: 10_000 }), clock: options.clock }),
    }),
  };
}

/**
 * The TCP peer's address. A proxy header is believed only from `auth.trustedProxies` (none by
 * default): anyone could send one to escape the throttle. `app.request()` in tests has no
 * socket, hence the fixed name.
 */
function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
