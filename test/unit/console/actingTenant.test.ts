import { describe, expect, it } from 'vitest';
import { effectiveTenantId } from '../../../src/console/actingTenant.js';
import type { ConsoleSession } from '../../../src/console/sessions.js';

const session = (principal: ConsoleSession['principal'], actingTenantId?: string): ConsoleSession => ({ id: 's', principal, csrfToken: 't', lastSeen: 0, actingTenantId });

describe('effectiveTenantId', () => {
  it("is a tenant user's own tenant, even if an acting tenant were set", () => {
    expect(effectiveTenantId(session({ kind: 'user', userId: '1', tenantId: '7', username: 'u', apiKeyId: null }, '9'))).toBe('7');
  });
  it('is the tenant an admin acts as, or undefined (every tenant)', () => {
    expect(effectiveTenantId(session({ kind: 'admin' }, '9'))).toBe('9');
    expect(effectiveTenantId(session({ kind: 'admin' }))).toBeUndefined();
  });
});
