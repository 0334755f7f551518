import type { WebhookEvent } from '../notifications/webhookEvents.js';
import type { SendPolicyOverride } from '../outbound/sendPolicy.js';
import type { FaxPrivacy } from '../fax/deliveryPlan.js';

/** Value types of the tenancy model: tenants, their fax numbers, API users and delivery endpoints. */

export type NumberDirection = 'inbound' | 'outbound' | 'both';
export type NotifyOn = 'always' | 'failure' | 'never';
/** How a received fax's notifications carry it: the document attached (e-mail) or linked (webhook), or only a link to its console page behind sign-in. */
export type NotifyDocument = 'attach' | 'link';

export interface TenantSettings {
  /** Default outbound caller ID (E.164) for numbers that set none. */
  callerId: string | null;
  /** Default fax page header line. */
  faxHeader: string | null;
  /** Default station ident (TSI/CSI), at most 20 printable characters. */
  faxIdent: string | null;
  /** Days to keep fax documents; null keeps them until deleted. */
  retentionDays: number | null;
  notifyEmails: string[];
  notifyOn: NotifyOn;
  /** Send policy keys this tenant's faxes use instead of the global ones (a fax's own `policy` still wins); null inherits. */
  sendPolicy: SendPolicyOverride | null;
  /** Privacy: `link` notifies of a received fax without the document, with a link to its console page. */
  notifyDocument: NotifyDocument;
  /** Privacy: a received fax is purged as soon as every planned delivery is confirmed. */
  storeNothing: boolean;
}

/** Tenant settings as events carry them: events written before `sendPolicy` and the privacy settings existed lack them. */
export type TenantSettingsData = Omit<TenantSettings, 'sendPolicy' | 'notifyDocument' | 'storeNothing'> & {
  sendPolicy?: SendPolicyOverride | null;
  notifyDocument?: NotifyDocument;
  storeNothing?: boolean;
};

export interface TenantProfile {
  name: string;
  /** Contact e-mail. */
  email: string | null;
  settings: TenantSettings;
}

export interface NumberProfile {
  /** Caller-ID name used when sending from this number. */
  displayName: string | null;
  /** TSI/CSI, at most 20 printable characters. */
  stationIdent: string | null;
  /** Fax page header. */
  header: string | null;
  /** Outbound caller ID (E.164); defaults to the number itself. */
  callerId: string | null;
  notifyEmails: string[];
  direction: NumberDirection;
  /** The tenant's `notifyDocument` for this number's faxes; null inherits the tenant's. */
  notifyDocument: NotifyDocument | null;
  /** The tenant's `storeNothing` for this number's faxes; null inherits the tenant's. */
  storeNothing: boolean | null;
}

/** A number profile as events carry it: events written before the privacy settings lack them. */
export type NumberProfileData = Omit<NumberProfile, 'notifyDocument' | 'storeNothing'> & { notifyDocument?: NotifyDocument | null; storeNothing?: boolean | null };

export type EndpointScope = 'global' | 'tenant' | 'number';
export type GatewayRole = 'upstream' | 'pbx';
export type WebhookStyle = 'json' | 'form';
/** How a webhook carries the fax: a signed download link (default) or the PDF inline as base64. */
export type WebhookDocument = 'url' | 'inline';

export type EndpointTarget =
  | { kind: 'gateway'; gateway: string; sourceIps: string[]; role: GatewayRole }
  | { kind: 'email'; addresses: string[] }
  /** `events`: the webhook types it is sent; absent, `fax.received` only. */
  | { kind: 'webhook'; url: string; secret: string | null; style: WebhookStyle; document?: WebhookDocument; events?: WebhookEvent[] };

export type EndpointKind = EndpointTarget['kind'];

export interface EndpointSettings {
  target: EndpointTarget;
  /** Lower is tried first. */
  priority: number;
  /** Bridge the call live (T.38 relay) instead of store-and-forward. */
  bridge: boolean;
  /** False for send-only gateways: still an allowed source, never a delivery target. */
  deliver: boolean;
}

/** Who an endpoint belongs to; number endpoints override tenant endpoints, which override global ones. */
export type EndpointOwner =
  | { scope: 'global'; tenantId: null; numberId: null }
  | { scope: 'tenant'; tenantId: string; numberId: null }
  | { scope: 'number'; tenantId: string; numberId: string };

export const defaultTenantSettings: TenantSettings = {
  callerId: null,
  faxHeader: null,
  faxIdent: null,
  retentionDays: null,
  notifyEmails: [],
  notifyOn: 'always',
  sendPolicy: null,
  notifyDocument: 'attach',
  storeNothing: false,
};

export const defaultNumberProfile: NumberProfile = {
  displayName: null,
  stationIdent: null,
  header: null,
  callerId: null,
  notifyEmails: [],
  direction: 'both',
  notifyDocument: null,
  storeNothing: null,
};

/** Picks the profile fields out of an event payload (which carries ids and times beside them); missing privacy settings (older events) inherit. */
export function numberProfileOf(data: NumberProfileData): NumberProfile {
  const { displayName, stationIdent, header, callerId, notifyEmails, direction } = data;
  return { displayName, stationIdent, header, callerId, notifyEmails, direction, notifyDocument: data.notifyDocument ?? null, storeNothing: data.storeNothing ?? null };
}

/** Picks the settings out of an event payload; a missing `sendPolicy` (older events) inherits, missing privacy settings are the defaults. */
export function tenantSettingsOf(data: TenantSettingsData): TenantSettings {
  const { callerId, faxHeader, faxIdent, retentionDays, notifyEmails, notifyOn, sendPolicy } = data;
  return {
    callerId,
    faxHeader,
    faxIdent,
    retentionDays,
    notifyEmails,
    notifyOn,
    sendPolicy: sendPolicy ?? null,
    notifyDocument: data.notifyDocument ?? 'attach',
    storeNothing: data.storeNothing ?? false,
  };
}

/** What applies to one number's received faxes: the number's privacy settings, else its tenant's. */
export function privacyFor(tenant: Pick<TenantSettings, 'notifyDocument' | 'storeNothing'> | undefined, number: Pick<NumberProfile, 'notifyDocument' | 'storeNothing'> | undefined): FaxPrivacy {
  return {
    notifyDocument: number?.notifyDocument ?? tenant?.notifyDocument ?? 'attach',
    storeNothing: number?.storeNothing ?? tenant?.storeNothing ?? false,
  };
}

export function endpointSettingsOf(data: EndpointSettings): EndpointSettings {
  const { target, priority, bridge, deliver } = data;
  return { target, priority, bridge, deliver };
}

export type TenantProfilePatch = Partial<Omit<TenantProfile, 'settings'>> & { settings?: Partial<TenantSettings> };

/** Partial updates keep what they do not mention (the original's PUT blanked omitted fields). */
export function mergeTenantProfile(current: TenantProfile, patch: TenantProfilePatch): TenantProfile {
  return { ...current, ...definedOnly(patch), settings: { ...current.settings, ...definedOnly(patch.settings ?? {}) } };
}

export function mergeNumberProfile(current: NumberProfile, patch: Partial<NumberProfile>): NumberProfile {
  return { ...current, ...definedOnly(patch) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([key, item]) => item !== undefined && key !== 'settings')) as Partial<T>;
}

/** A target as a client sends it: a webhook's secret may be left out to keep the stored one. */
export type EndpointTargetInput = Exclude<EndpointTarget, { kind: 'webhook' }> | (Omit<Extract<EndpointTarget, { kind: 'webhook' }>, 'secret'> & { secret?: string | null });

export interface EndpointPatch {
  target?: EndpointTargetInput;
  priority?: number;
  bridge?: boolean;
  deliver?: boolean;
}

export function mergeEndpointSettings(current: EndpointSettings | undefined, patch: EndpointPatch): EndpointSettings {
  const input = patch.target;
  let target: EndpointTarget | undefined = current?.target;
  if (input?.kind === 'webhook') {
    const keptSecret = current?.target.kind === 'webhook' ? current.target.secret : null;
    target = { ...input, secret: input.secret === undefined ? keptSecret : input.secret };
  } else if (input) {
    target = input;
  }
  if (!target) throw new Error('an endpoint needs a target');
  return {
    target,
    priority: patch.priority ?? current?.priority ?? 0,
    bridge: patch.bridge ?? current?.bridge ?? false,
    deliver: patch.deliver ?? current?.deliver ?? true,
  };
}
