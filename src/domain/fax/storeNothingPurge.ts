import { faxStreamClosed, planNotifications } from '../notifications/notificationPlan.js';
import { notificationStates } from '../notifications/notificationState.js';
import type { StreamEvent } from '../notifications/faxSummary.js';
import type { FaxRoutedData } from './deliveryPlan.js';
import type { FaxPurgeRequestedData } from './purgeEvents.js';

/**
 * What the store-nothing privacy option asks of a received fax now:
 * - `none`: it does not apply (not a received fax, or its plan does not say `storeNothing`);
 * - `requested`: its purge was asked for already (never twice);
 * - `wait`: its call is still going (its actor writes the stream), or a delivery is still under way
 *   (not tried yet, retrying, a redelivery asked for, the relay fax not sent yet);
 * - `kept`: a delivery failed for good (a dead-lettered notification, a failed relay): the fax stays
 *   stored so it can be delivered again; a redelivery that succeeds makes it `purge`;
 * - `purge`: every planned delivery is confirmed (or none was planned): the purge requests to
 *   append, the relay fax's (a copy of the document on its way to the PBX) first, then the fax's own.
 */
export type StoreNothingDecision =
  | { kind: 'none' | 'requested' }
  | { kind: 'wait'; reason: 'call_in_progress' | 'delivering' }
  | { kind: 'kept'; reason: 'notification_dead_lettered' | 'relay_failed' }
  | { kind: 'purge'; requests: FaxPurgeRequestedData[] };

const relayFailures = new Set(['FaxFailed', 'FaxCancelled']);

/**
 * Pure: given the received fax's stream and, when its plan relays it to a PBX, the relay fax's
 * stream, whether to purge it now. A delivery is confirmed by `NotificationSent` (every e-mail and
 * webhook its plan holds) and the relay fax's `FaxSent`.
 */
export function decideStoreNothingPurge(received: readonly StreamEvent[], relay: readonly StreamEvent[] | undefined, at: string): StoreNothingDecision {
  if (received[0]?.type !== 'FaxCallOffered') return { kind: 'none' };
  const plan = received.find((event) => event.type === 'FaxRouted')?.data as FaxRoutedData | undefined;
  if (!plan?.privacy?.storeNothing) return { kind: 'none' };
  if (received.some((event) => event.type === 'FaxPurgeRequested')) return { kind: 'requested' };
  // Like read marks: until the call is over its actor appends at exact revisions.
  if (!received.some((event) => event.type === 'FaxCallEnded')) return { kind: 'wait', reason: 'call_in_progress' };

  const states = notificationStates(received);
  const planned = planNotifications(received, plan.faxId).map((notification) => states.get(notification.ref.notificationId)?.status ?? 'pending');
  const relays = plan.deliveries.some((target) => target.kind === 'gateway');
  const relayFaxId = relays ? (received.find((event) => event.type === 'FaxRelayed')?.data as { relayFaxId?: string } | undefined)?.relayFaxId : undefined;
  const relayEnd = relay?.find((event) => event.type === 'FaxSent' || relayFailures.has(event.type))?.type;
  if (planned.includes('dead')) return { kind: 'kept', reason: 'notification_dead_lettered' };
  if (relayEnd !== undefined && relayFailures.has(relayEnd)) return { kind: 'kept', reason: 'relay_failed' };
  if (planned.some((status) => status !== 'sent')) return { kind: 'wait', reason: 'delivering' };

  const requests: FaxPurgeRequestedData[] = [];
  const request = (faxId: string): FaxPurgeRequestedData => ({ faxId, tenantId: plan.tenantId, reason: 'storeNothing', by: { kind: 'system' }, requestedAt: at });
  if (relays) {
    if (!relayFaxId || !relay || relayEnd !== 'FaxSent') return { kind: 'wait', reason: 'delivering' };
    // The relay fax's own notifications (if its plan has any) are deliveries of it too.
    const relayStates = notificationStates(relay);
    const relayPlanned = planNotifications(relay, relayFaxId).map((notification) => relayStates.get(notification.ref.notificationId)?.status ?? 'pending');
    if (relayPlanned.includes('dead')) return { kind: 'kept', reason: 'notification_dead_lettered' };
    if (!faxStreamClosed(relay) || relayPlanned.some((status) => status !== 'sent')) return { kind: 'wait', reason: 'delivering' };
    if (!relay.some((event) => event.type === 'FaxPurgeRequested')) requests.push(request(relayFaxId));
  }
  requests.push(request(plan.faxId));
  return { kind: 'purge', requests };
}
