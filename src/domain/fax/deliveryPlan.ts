/**
 * Why a call is received. Absent: a fax for one of our numbers, delivered by that number's route.
 * `outbound-relay`: a tenant's PBX dialled an outside number through us; the received fax is sent
 * on to that number through the tenant's upstream gateways (store-and-forward).
 */
export type CallPurpose = 'outbound-relay';

/** Where a received fax goes: recorded as `FaxRouted`; the send and notification paths carry it out. */
export type DeliveryTarget =
  | { endpointId: string; kind: 'gateway'; priority: number; gateway: string }
  | { endpointId: string; kind: 'email'; priority: number; addresses: string[] }
  /** The webhook's secret stays in the routing read model: events never carry secrets. */
  | { endpointId: string; kind: 'webhook'; priority: number; url: string; style: 'json' | 'form'; document?: 'url' | 'inline'; events?: string[] };

/** What the receive path knows about a kept document when it asks for its delivery plan. */
export interface DeliveryRequest {
  faxId: string;
  tenantId: string;
  /** The dialled number, E.164: one of ours, or the outside number of an outbound relay. */
  recipient: string;
  purpose?: CallPurpose;
  /** Outbound relay only: the PBX caller's number (E.164 when it reads as one), the relay fax's `from`. */
  sender?: string;
  documentId: string;
  /** Only some pages arrived (the call dropped); delivered all the same, marked partial. */
  partial: boolean;
}

/**
 * The privacy options that apply to this fax (the number's, else its tenant's, at routing time):
 * `notifyDocument: 'link'` notifies without the document, with a link to the fax's console page;
 * `storeNothing` purges the fax once every planned delivery is confirmed.
 */
export interface FaxPrivacy {
  notifyDocument: 'attach' | 'link';
  storeNothing: boolean;
}

export interface FaxRoutedData extends DeliveryRequest {
  /** Which level the endpoints came from (number overrides tenant overrides global), or none. */
  endpointScope: 'number' | 'tenant' | 'global' | 'none';
  /** Lowest priority first. For an outbound relay: the tenant's upstream gateways (number, tenant, global). */
  deliveries: DeliveryTarget[];
  /** The number's (or tenant's) notification addresses. */
  notifyEmails: string[];
  /** Absent (older events, unknown numbers): the document is attached and the fax kept. */
  privacy?: FaxPrivacy;
}
