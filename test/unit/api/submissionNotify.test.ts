import { describe, expect, it } from 'vitest';
import type { Route } from '../../../projections/routingQueries.js';
import { prepareFields, type FieldContext } from '../../../src/api/services/submissionFields.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { defaultNumberProfile, defaultTenantSettings, type NotifyOn } from '../../../src/domain/tenancy/types.js';

function context(notifyOn: NotifyOn, notifyEmails: string[]): FieldContext {
  const route: Route = {
    tenantId: 't1',
    numberId: 'n1',
    number: '+15551230000',
    settings: { ...defaultNumberProfile, notifyEmails, faxHeader: null },
    endpoints: [],
    endpointScope: 'none',
    privacy: { notifyDocument: 'attach', storeNothing: false },
  };
  return {
    defaultCountry: 'US',
    lookup: (e164) => (e164 === route.number ? route : undefined),
    outboundGateways: () => ['carrier1'],
    tenantSettings: () => ({ ...defaultTenantSettings, notifyOn, notifyEmails }),
  };
}

const base = { to: '5559876543', from: '5551230000' };

describe("a submission's report: its own notifyMode, else the tenant's notifyOn", () => {
  it.each([
    ['always', { emails: ['ops@acme.example'], mode: 'report' }],
    ['failure', { emails: ['ops@acme.example'], mode: 'fullOnFailure' }],
    ['never', undefined],
  ] as const)('notifyOn %s, nothing asked: %j to the number’s (or tenant’s) addresses', (notifyOn, notify) => {
    expect(prepareFields(base, context(notifyOn, ['ops@acme.example'])).notify).toEqual(notify);
  });

  it('names nobody when there is nobody to name', () => {
    expect(prepareFields(base, context('always', [])).notify).toBeUndefined();
  });

  it.each([
    ['always', 'report'],
    ['failure', 'fullOnFailure'],
    ['never', 'report'],
  ] as const)('notifyOn %s with addresses given and no mode: %s to those addresses', (notifyOn, mode) => {
    expect(prepareFields({ ...base, notifyEmails: ['me@acme.example'] }, context(notifyOn, ['ops@acme.example'])).notify).toEqual({ emails: ['me@acme.example'], mode });
  });

  it('a mode without addresses goes to the number’s (or tenant’s) addresses; none at all is a 422 naming notifyEmails', () => {
    expect(prepareFields({ ...base, notifyMode: 'full' }, context('never', ['ops@acme.example'])).notify).toEqual({ emails: ['ops@acme.example'], mode: 'full' });
    expect(prepareFields({ ...base, notifyMode: 'none' }, context('always', ['ops@acme.example'])).notify).toEqual({ emails: [], mode: 'none' });
    expect(() => prepareFields({ ...base, notifyMode: 'full' }, context('always', []))).toThrow(ValidationError);
  });

  it('takes an http(s) webhookUrl, and refuses anything else naming the field', () => {
    expect(prepareFields({ ...base, webhookUrl: 'https://crm.acme.example/fax' }, context('never', [])).webhookUrl).toBe('https://crm.acme.example/fax');
    for (const bad of ['ftp://acme.example/x', 'not a url', '/relative', `https://acme.example/${'x'.repeat(2100)}`]) {
      expect(() => prepareFields({ ...base, webhookUrl: bad }, context('never', [])), bad).toThrow(expect.objectContaining({ field: 'webhookUrl' }));
    }
  });
});
