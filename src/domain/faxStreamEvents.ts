import { faxReadEventTypes } from './fax/faxReadEvents.js';
import { faxPurgeEventTypes } from './fax/purgeEvents.js';
import { inboundFaxEventTypes, type InboundFaxEventType } from './fax/inboundFaxEvents.js';
import { notificationEventTypes, type NotificationEventType } from './notifications/notificationEvents.js';
import { outboundFaxEventTypes } from './outbound/outboundFaxEvents.js';

/** Every event type a `fax-<faxId>` stream can hold: the fax's own (either direction), its notifications', its read marks and its purge. */
export type FaxStreamEventType = InboundFaxEventType | (typeof outboundFaxEventTypes)[number] | NotificationEventType | (typeof faxReadEventTypes)[number] | (typeof faxPurgeEventTypes)[number];

/** The same, at run time, each type once (some happen in both directions). */
export const faxStreamEventTypes: readonly FaxStreamEventType[] = [...new Set<FaxStreamEventType>([...inboundFaxEventTypes, ...outboundFaxEventTypes, ...notificationEventTypes, ...faxReadEventTypes, ...faxPurgeEventTypes])];
