import { secretKeys, type Config } from './schema.js';

const MASK = '********';

/** A copy safe to log: secret keys masked, passwords in connection strings masked. */
export function maskConfig(config: Config): Record<string, unknown> {
  const masked = structuredClone(config) as unknown as Record<string, unknown>;
  for (const key of secretKeys) {
    const [section, leaf] = key.split('.') as [string, string];
    const node = masked[section] as Record<string, unknown> | undefined;
    if (node && node[leaf] !== undefined) node[leaf] = MASK;
  }
  const freeswitch = masked.freeswitch as { nodes?: Array<{ password?: string }> } | undefined;
  for (const node of freeswitch?.nodes ?? []) if (node.password !== undefined) node.password = MASK;
  if (typeof masked.eventStore === 'string') masked.eventStore = maskUrlPassword(masked.eventStore);
  const smtp = masked.smtp as { url?: string } | undefined;
  if (smtp?.url) smtp.url = maskUrlPassword(smtp.url);
  return masked;
}

/** `kurrentdb://admin:changeit@host` → `kurrentdb://admin:********@host`. */
export function maskUrlPassword(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]+:)[^@]*@/i, `$1${MASK}@`);
}
