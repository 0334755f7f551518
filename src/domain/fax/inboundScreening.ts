import type { GatewayRole } from '../tenancy/types.js';
import type { CallPurpose } from './deliveryPlan.js';
import type { CallOffer, RejectionReason } from './inboundFaxEvents.js';

/** Everything needed to answer and receive a call that passed screening. */
export interface AcceptedCall {
  kind: 'accept';
  tenantId: string;
  /** Dialled number, E.164 (an outside number when `purpose` is `outbound-relay`). */
  recipient: string;
  purpose?: CallPurpose;
  /** Outbound relay only: the PBX caller's number (E.164 when it reads as one), the relay fax's `from`. */
  sender?: string;
  sourceGateway: string;
  t38Enabled: boolean;
  t38Requested: boolean;
  t38Policy: string;
  stationIdent?: string;
  pageHeader?: string;
  /** `ring_ready` + `sleep` before answering; 0 = answer at once. */
  ringDelayMs: number;
  /** Silence played after answering, before rxfax; 0 = none. */
  silenceMs: number;
  /** Where rxfax writes the TIFF. */
  spoolPath: string;
}

export interface RejectedCall {
  kind: 'reject';
  sipCode: 403 | 404 | 503;
  reason: RejectionReason;
  detail: string;
}

/** The original's bridge mode: relay the call live to the tenant's PBX, T.38 ↔ audio by t38_gateway. */
export interface BridgedCall {
  kind: 'bridge';
  tenantId: string;
  recipient: string;
  sourceGateway: string;
  /** The PBX gateway the call is bridged to. */
  bridgeGateway: string;
  t38Enabled: boolean;
  t38Requested: boolean;
  t38Policy: string;
}

export type ScreeningDecision = AcceptedCall | RejectedCall | BridgedCall;

/** Read-model answers screening needs; the runtime wires them to the routing projection. */
export interface ScreeningLookups {
  /** The gateway endpoint whose source IPs include this address; `tenantId` for tenant- or number-scoped ones. */
  sourceGateway(ip: string): { gateway: string; role: GatewayRole; tenantId?: string | null } | undefined;
  /** The number's tenant and fax settings, if the number belongs to one. */
  route(e164: string): { tenantId: string; stationIdent: string | null; pageHeader: string | null; bridgeGateway?: string } | undefined;
  /** National or international text → E.164, or undefined when it is no phone number. */
  toE164(raw: string): string | undefined;
  /** True when we learned that this station needs audio (G.711 softmodem) instead of T.38. */
  stationNeedsAudio(e164: string): boolean;
  /** The tenant has an upstream (carrier) gateway to send a PBX's fax out through. */
  canSendOut(tenantId: string): boolean;
}

export interface T38Setting {
  enabled: boolean;
  request: boolean;
}

export interface InboundPolicy {
  /** Where the dialled number comes from: the SIP To user, or the Diversion header of a forwarded call. */
  recipientFrom: 'to' | 'diversion';
  ringDelayMs: number;
  silenceMs: number;
  /** Carriers usually do T.38; PBXes are usually reached over G.711. */
  t38: Record<GatewayRole, T38Setting>;
  spoolDir: string;
}

/**
 * Decides, before answering, whether to take a call and how: the source must be a known gateway
 * (else 403: a 401 would make FreeSWITCH add a digest challenge, and a carrier holding credentials
 * would only INVITE again with them), the dialled number must belong to a tenant (else 404) — unless the call comes from a
 * tenant's PBX, which may dial outside numbers (outbound relay) — and T.38 follows the gateway
 * kind unless the caller's station is known to need audio.
 */
export function screenInboundCall(offer: CallOffer, lookups: ScreeningLookups, policy: InboundPolicy, faxId: string): ScreeningDecision {
  const source = offer.sourceIp ? lookups.sourceGateway(offer.sourceIp) : undefined;
  if (!source) {
    return { kind: 'reject', sipCode: 403, reason: 'unknown_source', detail: `source ${offer.sourceIp ?? '(none)'} is not a known gateway` };
  }
  const raw = policy.recipientFrom === 'diversion' ? diversionNumber(offer.diversion) : offer.toUser;
  if (!raw) {
    return { kind: 'reject', sipCode: 404, reason: 'no_recipient', detail: `no dialled number in the ${policy.recipientFrom === 'diversion' ? 'Diversion header' : 'SIP To user'}` };
  }
  const recipient = lookups.toE164(raw);
  const route = recipient ? lookups.route(recipient) : undefined;
  const caller = lookups.toE164(offer.callerNumber);
  // Only a tenant's PBX may dial out through us. A carrier calling a number of no tenant is refused:
  // answering it would send it straight back out (the original's loop).
  const relayTenant = recipient && !route && source.role === 'pbx' ? pbxTenant(source, caller, lookups) : undefined;
  if (!recipient || (!route && !relayTenant)) {
    const why = recipient && source.role === 'pbx' ? `, and neither PBX gateway ${source.gateway} nor caller ${offer.callerNumber || '(none)'} has one` : '';
    return { kind: 'reject', sipCode: 404, reason: 'unknown_number', detail: `${raw} does not belong to any tenant${why}` };
  }

  // Refused before answering, so the PBX's user learns at once instead of a fax kept and never sent.
  if (!route && !lookups.canSendOut(relayTenant!)) {
    return { kind: 'reject', sipCode: 503, reason: 'no_route_out', detail: `tenant ${relayTenant} has no upstream gateway to send ${recipient} through` };
  }
  const fallback = caller !== undefined && lookups.stationNeedsAudio(caller);
  const t38 = fallback ? { enabled: false, request: false } : policy.t38[source.role];
  const t38Policy = fallback
    ? `station ${caller} needs audio (softmodem fallback)`
    : `${source.role} gateway ${source.gateway}: T.38 ${t38.enabled ? (t38.request ? 'enabled and requested' : 'enabled') : 'off'}`;

  const common = {
    sourceGateway: source.gateway,
    t38Enabled: t38.enabled,
    t38Requested: t38.enabled && t38.request,
    t38Policy,
    ringDelayMs: policy.ringDelayMs,
    silenceMs: policy.silenceMs,
    spoolPath: `${policy.spoolDir}/${faxId}.tif`,
  };
  if (!route) {
    const sender = caller ?? (offer.callerNumber || undefined);
    return { kind: 'accept', tenantId: relayTenant!, recipient, purpose: 'outbound-relay', ...(sender ? { sender } : {}), ...common };
  }
  // Only carrier calls are bridged to a PBX live; everything else is stored and forwarded.
  if (route.bridgeGateway && source.role === 'upstream') {
    return { kind: 'bridge', tenantId: route.tenantId, recipient, sourceGateway: source.gateway, bridgeGateway: route.bridgeGateway, t38Enabled: t38.enabled, t38Requested: t38.enabled && t38.request, t38Policy };
  }
  return {
    kind: 'accept',
    tenantId: route.tenantId,
    recipient,
    ...common,
    ...(route.stationIdent ? { stationIdent: route.stationIdent } : {}),
    ...(route.pageHeader ? { pageHeader: route.pageHeader } : {}),
  };
}

/** The tenant a PBX call dials out for: the PBX gateway endpoint's, else the calling number's. */
function pbxTenant(source: { tenantId?: string | null }, caller: string | undefined, lookups: ScreeningLookups): string | undefined {
  return source.tenantId ?? (caller ? lookups.route(caller)?.tenantId : undefined);
}

/** `<sip:+15551234567@carrier>;reason=unconditional` → `+15551234567`. */
export function diversionNumber(header: string | undefined): string | undefined {
  return header ? /sip:(\+?\d+)@/.exec(header)?.[1] : undefined;
}
