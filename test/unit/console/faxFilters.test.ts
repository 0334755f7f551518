import { describe, expect, it } from 'vitest';
import { listQueryOf, listSearch } from '../../../src/console/faxFilters.js';

const admin = { principal: { kind: 'admin' as const } };
const user = { principal: { kind: 'user' as const, userId: 'u1', tenantId: 'tenant-a', username: 'desk', apiKeyId: null } };

describe('the console list filters', () => {
  it('turns "unread" and a text of 3 characters or more into the read-model filter, and keeps them in the next page link', () => {
    const query = listQueryOf('inbox', { unread: '1', text: ' Harbour ' }, user);
    expect(query.filter).toEqual({ direction: 'inbound', unread: true, text: 'Harbour', tenantId: 'tenant-a' });
    expect(listSearch(query, 'c1')).toBe('?unread=1&text=Harbour&cursor=c1');
    expect(listQueryOf('sent', { unread: '1' }, user).filter.unread).toBeUndefined();
  });

  it('names a text too short to search instead of reading every fax', () => {
    const query = listQueryOf('all', { text: 'ha' }, user);
    expect(query.filter.text).toBeUndefined();
    expect(query.problems).toEqual(['Text: type at least 3 characters of the remote ident or caller name']);
  });

  it("scopes an admin acting as a tenant to that tenant, whatever the tenant field says; a user's tenant is never widened", () => {
    expect(listQueryOf('all', { tenant: 'tenant-b' }, admin).filter.tenantId).toBe('tenant-b');
    expect(listQueryOf('all', {}, admin).filter.tenantId).toBeUndefined();
    expect(listQueryOf('all', { tenant: 'tenant-b' }, { ...admin, actingTenantId: 'tenant-c' }).filter.tenantId).toBe('tenant-c');
    expect(listQueryOf('all', { tenant: 'tenant-b' }, { ...user, actingTenantId: 'tenant-c' }).filter.tenantId).toBe('tenant-a');
  });
});
