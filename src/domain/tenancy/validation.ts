import { ValidationError } from '../errors.js';
import { isWebhookEvent, webhookEvents } from '../notifications/webhookEvents.js';
import { parseSendPolicyOverride, type SendPolicyOverride } from '../outbound/sendPolicy.js';
import { toE164 } from './e164.js';
import type { EndpointSettings, EndpointTarget, NotifyDocument, NumberProfile, TenantProfile } from './types.js';

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the mailer's problem.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv6Pattern = /^(?=.*:)[0-9a-fA-F:.]{2,45}$/;
const gatewayNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;
const printable = /^[\x20-\x7E]*$/;

export function checkEmail(field: string, value: string): string {
  const trimmed = value.trim();
  if (!emailPattern.test(trimmed) || trimmed.length > 254) throw new ValidationError(field, `"${value}" is not an e-mail address`);
  return trimmed;
}

export function checkEmails(field: string, values: readonly string[]): string[] {
  return values.map((value, index) => checkEmail(`${field}.${index}`, value));
}

export function checkIp(field: string, value: string): string {
  if (!ipv4Pattern.test(value) && !ipv6Pattern.test(value)) throw new ValidationError(field, `"${value}" is not an IP address`);
  return value.toLowerCase();
}

/** T.30 idents (TSI/CSI) are at most 20 printable characters. */
export function checkStationIdent(field: string, value: string | null): string | null {
  if (value === null) return null;
  if (value.length > 20 || !printable.test(value)) throw new ValidationError(field, 'at most 20 printable ASCII characters');
  return value;
}

function checkText(field: string, value: string | null, max: number): string | null {
  if (value === null) return null;
  if (value.length > max) throw new ValidationError(field, `at most ${max} characters`);
  return value;
}

/** The operator's limits on a tenant's `retentionDays` (config `records.retention.minDays` / `maxDays`); unset: none. */
export interface RetentionLimits {
  minDays?: number;
  maxDays?: number;
}

/** Validates and normalises a tenant profile (numbers to E.164, e-mails trimmed); `retentionDays` within the operator's `limits`. */
export function normaliseTenantProfile(profile: TenantProfile, country: string, limits: RetentionLimits = {}): TenantProfile {
  const name = profile.name.trim();
  if (name.length === 0 || name.length > 200) throw new ValidationError('name', 'must be 1–200 characters');
  const { settings } = profile;
  if (settings.retentionDays !== null && (!Number.isInteger(settings.retentionDays) || settings.retentionDays < 1)) {
    throw new ValidationError('settings.retentionDays', 'must be a whole number of days ≥ 1, or null');
  }
  const { minDays, maxDays } = limits;
  if (settings.retentionDays !== null && ((minDays !== undefined && settings.retentionDays < minDays) || (maxDays !== undefined && settings.retentionDays > maxDays))) {
    throw new ValidationError('settings.retentionDays', `must lie within the operator's limits: ${minDays ?? 1} to ${maxDays === undefined ? 'any number of' : maxDays} days (got ${settings.retentionDays})`);
  }
  return {
    name,
    email: profile.email === null ? null : checkEmail('email', profile.email),
    settings: {
      callerId: settings.callerId === null ? null : toE164(settings.callerId, country, 'settings.callerId'),
      faxHeader: checkText('settings.faxHeader', settings.faxHeader, 100),
      faxIdent: checkStationIdent('settings.faxIdent', settings.faxIdent),
      retentionDays: settings.retentionDays,
      notifyEmails: checkEmails('settings.notifyEmails', settings.notifyEmails),
      notifyOn: settings.notifyOn,
      sendPolicy: checkSendPolicy(settings.sendPolicy),
      notifyDocument: checkNotifyDocument('settings.notifyDocument', settings.notifyDocument),
      storeNothing: checkFlag('settings.storeNothing', settings.storeNothing),
    },
  };
}

const notifyDocuments: readonly NotifyDocument[] = ['attach', 'link'];

/** The privacy settings (see `FaxPrivacy`); on a number null inherits the tenant's, so only the number's checks allow it. */
function checkNotifyDocument(field: string, value: unknown): NotifyDocument {
  if (!notifyDocuments.includes(value as NotifyDocument)) throw new ValidationError(field, `must be ${notifyDocuments.map((item) => `"${item}"`).join(' or ')}`);
  return value as NotifyDocument;
}

function checkFlag(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be true or false');
  return value;
}

/** Null or absent inherits the global policy; so does an override that sets no key. */
function checkSendPolicy(value: unknown): SendPolicyOverride | null {
  if (value === null || value === undefined) return null;
  const policy = parseSendPolicyOverride(value, 'settings.sendPolicy');
  return Object.values(policy).some((item) => item !== undefined) ? policy : null;
}

export function normaliseNumberProfile(profile: NumberProfile, country: string): NumberProfile {
  return {
    displayName: checkText('displayName', profile.displayName, 100),
    stationIdent: checkStationIdent('stationIdent', profile.stationIdent),
    header: checkText('header', profile.header, 100),
    callerId: profile.callerId === null ? null : toE164(profile.callerId, country, 'callerId'),
    notifyEmails: checkEmails('notifyEmails', profile.notifyEmails),
    direction: profile.direction,
    notifyDocument: profile.notifyDocument === null ? null : checkNotifyDocument('notifyDocument', profile.notifyDocument),
    storeNothing: profile.storeNothing === null ? null : checkFlag('storeNothing', profile.storeNothing),
  };
}

export function normaliseEndpointSettings(settings: EndpointSettings): EndpointSettings {
  if (!Number.isInteger(settings.priority) || settings.priority < 0 || settings.priority > 9999) {
    throw new ValidationError('priority', 'must be a whole number 0–9999');
  }
  return { ...settings, target: normaliseTarget(settings.target) };
}

function normaliseTarget(target: EndpointTarget): EndpointTarget {
  switch (target.kind) {
    case 'gateway':
      if (!gatewayNamePattern.test(target.gateway)) throw new ValidationError('gateway', 'a FreeSWITCH gateway name: letters, digits, _ . -');
      return { ...target, sourceIps: target.sourceIps.map((ip, index) => checkIp(`sourceIps.${index}`, ip)) };
    case 'email':
      if (target.addresses.length === 0) throw new ValidationError('addresses', 'at least one address');
      return { ...target, addresses: checkEmails('addresses', target.addresses) };
    case 'webhook':
      checkWebhookUrl('url', target.url);
      if (target.events === undefined) return target;
      if (!Array.isArray(target.events) || target.events.length === 0) throw new ValidationError('events', `at least one of ${webhookEvents.join(', ')}`);
      target.events.forEach((event, index) => {
        if (!isWebhookEvent(event)) throw new ValidationError(`events.${index}`, `"${String(event)}" is none of ${webhookEvents.join(', ')}`);
      });
      return { ...target, events: [...new Set(target.events)] };
  }
}

/** A webhook's address: an absolute http or https URL (also a submission's `webhookUrl`). */
export function checkWebhookUrl(field: string, value: string): string {
  if (value.length > 2048 || !isHttpUrl(value)) throw new ValidationError(field, 'an absolute http(s) URL, at most 2048 characters');
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
