import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/loadConfig.js';

export const adminKeyFileName = 'admin-api-key';

export interface AdminApiKey {
  /** Undefined: the admin API stays off (answers 503). */
  key: string | undefined;
  /** Where it came from; `generated` means this start created it and nobody has seen it yet. */
  source: 'config' | 'file' | 'generated' | 'off';
  /** The file that keeps it, for `file` and `generated`. */
  path?: string;
}

/**
 * The admin API key: `admin.apiKey` (file or environment) when set; else the one kept in
 * `<dataDir>/admin-api-key`; else, unless `generate` is off, a new random one written there
 * (owner-only) so the first start's admin API works and later starts keep the same key.
 */
export function resolveAdminApiKey(configured: string | undefined, dataDir: string, generate: boolean): AdminApiKey {
  if (configured) return { key: configured, source: 'config' };
  const path = join(dataDir, adminKeyFileName);
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    // A start-up failure the operator fixes: one line naming the file, exit 2 (as for the configuration).
    if (key.length < 16) throw new ConfigError(`${path}: the admin API key kept there is shorter than 16 characters; remove the file to get a new one`);
    return { key, source: 'file', path };
  }
  if (!generate) return { key: undefined, source: 'off' };
  const key = randomBytes(24).toString('base64url');
  try {
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: readFileSync(path, 'utf8').trim(), source: 'file', path };
  }
  return { key, source: 'generated', path };
}

/** What the first start prints, once: the key, where it is kept, and what to do next. */
export function firstStartMessage(admin: AdminApiKey & { key: string; path: string }, baseUrl: string): string {
  return [
    '',
    'faxengine: first start — an admin API key was generated and stored in',
    `  ${admin.path}  (mode 0600; set admin.apiKey / FAXENGINE_ADMIN_API_KEY to use your own)`,
    '',
    `  admin API key: ${admin.key}`,
    '',
    'Next steps (any user name; the password is the key):',
    `  export FAXENGINE_ADMIN_API_KEY=$(cat ${admin.path})`,
    `  curl -u admin:$FAXENGINE_ADMIN_API_KEY -H 'Content-Type: application/json' -d '{"name":"Acme"}' ${baseUrl}/v1/tenants`,
    `  curl -u admin:$FAXENGINE_ADMIN_API_KEY -H 'Content-Type: application/json' \\`,
    `    -d '{"target":{"kind":"gateway","gateway":"carrier1","sourceIps":["203.0.113.10"],"role":"upstream"}}' ${baseUrl}/v1/endpoints`,
    `  web console:   ${baseUrl}/  (sign in as admin, with the key as the password)`,
    `  API reference: ${baseUrl}/docs`,
    '',
  ].join('\n');
}
