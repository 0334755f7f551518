/** Where a received fax goes: recorded as `FaxRouted`; the send and notification paths carry it out. */
export type DeliveryTarget =
  | { endpointId: string; kind: 'gateway'; priority: number; gateway: string }
  | { endpointId: string; kind: 'email'; priority: number; addresses: string[] }
  /** The webhook's secret stays in the routing read model: events never carry secrets. */
  | { endpointId: string; kind: 'webhook'; priority: number; url: string; style: 'json' | 'form'; document?: 'url' | 'inline' };

export interface FaxRoutedData {
  faxId: string;
  tenantId: string;
  recipient: string;
  documentId: string;
  /** Only some pages arrived (the call dropped); delivered all the same, marked partial. */
  partial: boolean;
  /** Which level the endpoints came from (number overrides tenant overrides global), or none. */
  endpointScope: 'number' | 'tenant' | 'global' | 'none';
  /** Lowest priority first. */
  deliveries: DeliveryTarget[];
  /** The number's (or tenant's) notification addresses. */
  notifyEmails: string[];
}
