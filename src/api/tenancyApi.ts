import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { QueryView } from '../../projections/documentProjection.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/eventStore.js';
import { createAuth } from './auth/authenticate.js';
import { createLoginRateLimiter, type LoginRateLimiter } from './auth/loginRateLimiter.js';
import { hashPassword, verifyPassword } from './auth/passwords.js';
import type { TenancyRouteDeps } from './routes/tenancyApiDeps.js';
import { createTenancyCommands } from './services/tenancyCommands.js';

export interface TenancyApiOptions {
  eventStore: EventStore;
  clock: Clock;
  /** admin.apiKey; unset disables the admin API (503). */
  adminApiKey: string | undefined;
  defaultCountry: string;
  /** The read models by projection name (routing, directory, credentials). */
  readModel: (projection: string) => QueryView;
  /** Resolves once the read models include the event at a position. */
  settle: (position: number) => Promise<void>;
  hashPassword?: (password: string) => Promise<string>;
  loginLimiter?: LoginRateLimiter;
}

/** Builds what the tenancy routes need from the stores; `createApp` mounts them when given. */
export function createTenancyApi(options: TenancyApiOptions): TenancyRouteDeps {
  const hash = options.hashPassword ?? ((password: string) => hashPassword(password));
  const credentials = () => options.readModel('credentials');
  return {
    commands: createTenancyCommands({ eventStore: options.eventStore, clock: options.clock, defaultCountry: options.defaultCountry, hashPassword: hash, settle: options.settle }),
    directory: () => options.readModel('directory'),
    routing: () => options.readModel('routing'),
    credentials,
    defaultCountry: options.defaultCountry,
    verifyPassword,
    auth: createAuth({
      adminApiKey: options.adminApiKey,
      credentials,
      clock: options.clock,
      limiter: options.loginLimiter ?? createLoginRateLimiter({ clock: options.clock }),
      clientIp,
      hashPassword: hash,
    }),
  };
}

/** The peer address; `app.request()` in tests has no socket, so it falls back to a fixed name. */
function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
