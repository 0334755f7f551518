import { describe, expect, it } from 'vitest';
import { createConsoleKit } from '../../../src/console/consoleKit.js';
import type { ConsoleDeps } from '../../../src/console/consoleDeps.js';
import { createSessionStore, type ConsoleSession } from '../../../src/console/sessions.js';
import type { FaxView } from '../../../src/domain/fax/faxView.js';

describe("the console's fax visibility", () => {
  const faxes = new Map<string, FaxView>([
    ['fa', { faxId: 'fa', tenantId: 'tenant-a' } as FaxView],
    ['fb', { faxId: 'fb', tenantId: 'tenant-b' } as FaxView],
  ]);
  const deps = { faxes: { find: (id: string) => faxes.get(id) } } as unknown as ConsoleDeps;
  const kit = createConsoleKit(deps, createSessionStore({ idleTimeoutMs: 60_000, clock: { now: () => new Date() } }));
  const session = (fields: Partial<ConsoleSession>): ConsoleSession => ({ id: 's', csrfToken: 't', lastSeen: 0, principal: { kind: 'admin' }, ...fields });

  it('shows an admin every fax, an admin acting as a tenant only that tenant\'s, and a user only its own', () => {
    expect(kit.visibleFax('fb', session({}))?.faxId).toBe('fb');
    expect(kit.visibleFax('fa', session({ actingTenantId: 'tenant-a' }))?.faxId).toBe('fa');
    expect(kit.visibleFax('fb', session({ actingTenantId: 'tenant-a' }))).toBeUndefined();
    const user = session({ principal: { kind: 'user', userId: 'u', tenantId: 'tenant-b', username: 'desk', apiKeyId: null }, actingTenantId: 'tenant-a' });
    expect(kit.visibleFax('fa', user)).toBeUndefined();
    expect(kit.visibleFax('fb', user)?.faxId).toBe('fb');
  });
});
