import { describe, expect, it } from 'vitest';
import type { DeliveryTarget } from '../../../src/domain/fax/deliveryPlan.js';
import { decideStoreNothingPurge } from '../../../src/domain/fax/storeNothingPurge.js';
import type { StreamEvent } from '../../../src/domain/notifications/faxSummary.js';
import { planNotifications } from '../../../src/domain/notifications/notificationPlan.js';
import { privacyFor } from '../../../src/domain/tenancy/types.js';
import { normaliseNumberProfile, normaliseTenantProfile } from '../../../src/domain/tenancy/validation.js';
import { defaultNumberProfile, defaultTenantSettings } from '../../../src/domain/tenancy/types.js';

const at = '2026-01-02T03:04:05.000Z';
let sequence = 0;
const event = (type: string, data: unknown): StreamEvent => ({ id: `e${++sequence}`, type, data, created: at });

const email: DeliveryTarget = { endpointId: '8', kind: 'email', priority: 1, addresses: ['fax@acme.example'] };
const webhook: DeliveryTarget = { endpointId: '9', kind: 'webhook', priority: 2, url: 'https://hooks.example/fax', style: 'json' };
const pbx: DeliveryTarget = { endpointId: '7', kind: 'gateway', priority: 0, gateway: 'pbx' };

function receivedFax(deliveries: DeliveryTarget[], privacy: { notifyDocument: 'attach' | 'link'; storeNothing: boolean } | undefined, ended = true): StreamEvent[] {
  return [
    event('FaxCallOffered', { faxId: 'f1', callUuid: 'c1', callerNumber: '5550001111', toUser: '15551230000', offeredAt: at }),
    event('FaxCallAnswered', { faxId: 'f1', tenantId: 't1', recipient: '+15551230000' }),
    event('FaxReceived', { faxId: 'f1', pages: 3, documentId: 'd1', resultText: 'OK', receivedAt: at }),
    event('FaxRouted', { faxId: 'f1', tenantId: 't1', recipient: '+15551230000', documentId: 'd1', partial: false, endpointScope: 'tenant', deliveries, notifyEmails: [], ...(privacy ? { privacy } : {}) }),
    ...(ended ? [event('FaxCallEnded', { faxId: 'f1' })] : []),
  ];
}

/** The outcome events of every notification the stream plans, as the notifiers append them. */
function outcomes(events: StreamEvent[], type: 'NotificationSent' | 'NotificationDeadLettered', only?: (index: number) => boolean): StreamEvent[] {
  return planNotifications(events, 'f1')
    .filter((_, index) => only?.(index) ?? true)
    .map((notification) => event(type, { ...notification.ref, attempt: 1 }));
}

const storeNothing = { notifyDocument: 'attach' as const, storeNothing: true };

describe('store nothing: when a received fax is purged', () => {
  it('not at all when the option is off or the fax predates it', () => {
    const fax = receivedFax([email], { notifyDocument: 'attach', storeNothing: false });
    expect(decideStoreNothingPurge([...fax, ...outcomes(fax, 'NotificationSent')], undefined, at)).toEqual({ kind: 'none' });
    const old = receivedFax([email], undefined);
    expect(decideStoreNothingPurge([...old, ...outcomes(old, 'NotificationSent')], undefined, at)).toEqual({ kind: 'none' });
  });

  it('waits while the call goes on, then while deliveries are under way; purges once all are confirmed', () => {
    const live = receivedFax([email, webhook], storeNothing, false);
    expect(decideStoreNothingPurge(live, undefined, at)).toEqual({ kind: 'wait', reason: 'call_in_progress' });
    const fax = receivedFax([email, webhook], storeNothing);
    expect(decideStoreNothingPurge(fax, undefined, at)).toEqual({ kind: 'wait', reason: 'delivering' });
    expect(decideStoreNothingPurge([...fax, ...outcomes(fax, 'NotificationSent', (index) => index === 0)], undefined, at)).toEqual({ kind: 'wait', reason: 'delivering' });
    expect(decideStoreNothingPurge([...fax, ...outcomes(fax, 'NotificationSent')], undefined, at)).toEqual({
      kind: 'purge',
      requests: [{ faxId: 'f1', tenantId: 't1', reason: 'storeNothing', by: { kind: 'system' }, requestedAt: at }],
    });
  });

  it('a fax with no delivery planned is purged right after its call', () => {
    expect(decideStoreNothingPurge(receivedFax([], storeNothing), undefined, at)).toMatchObject({ kind: 'purge' });
  });

  it('keeps a fax whose delivery was dead-lettered; a redelivery that succeeds purges it; never twice', () => {
    const fax = receivedFax([email, webhook], storeNothing);
    const sent = outcomes(fax, 'NotificationSent', (index) => index === 1);
    const dead = outcomes(fax, 'NotificationDeadLettered', (index) => index === 0);
    const kept = [...fax, ...sent, ...dead];
    expect(decideStoreNothingPurge(kept, undefined, at)).toEqual({ kind: 'kept', reason: 'notification_dead_lettered' });
    const ref = dead[0]!.data as Record<string, unknown>;
    const asked = [...kept, event('NotificationRedeliveryRequested', { ...ref, requestedAt: at, requestedBy: 'admin' })];
    expect(decideStoreNothingPurge(asked, undefined, at)).toEqual({ kind: 'wait', reason: 'delivering' });
    const delivered = [...asked, event('NotificationSent', { ...ref, attempt: 2 })];
    expect(decideStoreNothingPurge(delivered, undefined, at)).toMatchObject({ kind: 'purge' });
    const requested = [...delivered, event('FaxPurgeRequested', { faxId: 'f1', tenantId: 't1', reason: 'storeNothing', by: { kind: 'system' }, requestedAt: at })];
    expect(decideStoreNothingPurge(requested, undefined, at)).toEqual({ kind: 'requested' });
  });

  it('a fax relayed to the PBX waits for the relay fax to be sent, then purges the relay fax and itself; a failed relay keeps it', () => {
    const fax = [...receivedFax([pbx, email], storeNothing)];
    const all = [...fax, ...outcomes(fax, 'NotificationSent')];
    expect(decideStoreNothingPurge(all, undefined, at)).toEqual({ kind: 'wait', reason: 'delivering' });
    const relayed = [...all, event('FaxRelayed', { faxId: 'f1', relayFaxId: 'f1-relay', gateways: ['pbx'], partial: false })];
    const queued = [event('FaxQueued', { faxId: 'f1-relay', direction: 'outbound', tenantId: 't1', to: '+15551230000', from: '5550001111', relayOf: { faxId: 'f1', endpointId: '7' } })];
    expect(decideStoreNothingPurge(relayed, queued, at)).toEqual({ kind: 'wait', reason: 'delivering' });
    const sent = [...queued, event('FaxSent', { faxId: 'f1-relay', tenantId: 't1', pages: 3 })];
    const decision = decideStoreNothingPurge(relayed, sent, at);
    expect(decision.kind === 'purge' && decision.requests.map((request) => request.faxId)).toEqual(['f1-relay', 'f1']);
    // The relay fax's request made before a crash is not made again.
    const relayRequested = [...sent, event('FaxPurgeRequested', { faxId: 'f1-relay' })];
    const again = decideStoreNothingPurge(relayed, relayRequested, at);
    expect(again.kind === 'purge' && again.requests.map((request) => request.faxId)).toEqual(['f1']);
    const failed = [...queued, event('FaxFailed', { faxId: 'f1-relay', tenantId: 't1' })];
    expect(decideStoreNothingPurge(relayed, failed, at)).toEqual({ kind: 'kept', reason: 'relay_failed' });
  });
});

describe('privacy settings', () => {
  it("a number's setting beats its tenant's; null inherits", () => {
    const tenant = { notifyDocument: 'link' as const, storeNothing: true };
    expect(privacyFor(tenant, { notifyDocument: null, storeNothing: null })).toEqual(tenant);
    expect(privacyFor(tenant, { notifyDocument: 'attach', storeNothing: false })).toEqual({ notifyDocument: 'attach', storeNothing: false });
    expect(privacyFor(undefined, undefined)).toEqual({ notifyDocument: 'attach', storeNothing: false });
  });

  it('refuses values that are not options, naming the field', () => {
    const tenant = (settings: Record<string, unknown>) => () => normaliseTenantProfile({ name: 'Acme', email: null, settings: { ...defaultTenantSettings, ...settings } as never }, 'US');
    expect(tenant({ notifyDocument: 'email' })).toThrow(expect.objectContaining({ field: 'settings.notifyDocument' }));
    expect(tenant({ storeNothing: 'yes' })).toThrow(expect.objectContaining({ field: 'settings.storeNothing' }));
    const number = (profile: Record<string, unknown>) => () => normaliseNumberProfile({ ...defaultNumberProfile, ...profile } as never, 'US');
    expect(number({ notifyDocument: 'pdf' })).toThrow(expect.objectContaining({ field: 'notifyDocument' }));
    expect(number({ storeNothing: 0 })).toThrow(expect.objectContaining({ field: 'storeNothing' }));
    expect(number({ notifyDocument: null, storeNothing: null })()).toMatchObject({ notifyDocument: null, storeNothing: null });
  });
});
