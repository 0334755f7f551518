import { describe, expect, it } from 'vitest';
import { diversionNumber, screenInboundCall, type InboundPolicy, type ScreeningLookups } from '../../../src/domain/fax/inboundScreening.js';

const lookups: ScreeningLookups = {
  sourceGateway: (ip) => ({ '10.0.0.1': { gateway: 'carrier1', role: 'upstream' as const }, '10.0.0.9': { gateway: 'pbx-acme', role: 'pbx' as const } })[ip],
  route: (e164) => (e164 === '+15551230000' ? { tenantId: 't1', stationIdent: 'ACME FAX', pageHeader: null } : undefined),
  toE164: (raw) => (/^\+?1?\d{10}$/.test(raw) ? `+1${raw.replace(/^\+?1?/, '')}` : undefined),
  stationNeedsAudio: (e164) => e164 === '+15559990000',
  canSendOut: () => true,
};
const policy: InboundPolicy = {
  recipientFrom: 'to',
  ringDelayMs: 0,
  silenceMs: 500,
  t38: { upstream: { enabled: true, request: true }, pbx: { enabled: false, request: false } },
  spoolDir: '/spool',
};
const offer = { callUuid: 'u1', callerNumber: '5550001111', toUser: '15551230000', sourceIp: '10.0.0.1' };

describe('inbound screening', () => {
  it('accepts a carrier call to a tenant number with T.38 on and the number settings', () => {
    expect(screenInboundCall(offer, lookups, policy, 'fax1')).toEqual({
      kind: 'accept',
      tenantId: 't1',
      recipient: '+15551230000',
      sourceGateway: 'carrier1',
      t38Enabled: true,
      t38Requested: true,
      t38Policy: 'upstream gateway carrier1: T.38 enabled and requested',
      stationIdent: 'ACME FAX',
      ringDelayMs: 0,
      silenceMs: 500,
      spoolPath: '/spool/fax1.tif',
    });
  });

  it('uses G.711 for PBX sources and for stations known to need audio', () => {
    expect(screenInboundCall({ ...offer, sourceIp: '10.0.0.9' }, lookups, policy, 'f')).toMatchObject({ t38Enabled: false, t38Requested: false });
    expect(screenInboundCall({ ...offer, callerNumber: '5559990000' }, lookups, policy, 'f')).toMatchObject({
      t38Enabled: false,
      t38Policy: 'station +15559990000 needs audio (softmodem fallback)',
    });
  });

  it('rejects unknown sources with 403 (a 401 would draw a digest re-INVITE) and unknown or missing numbers with 404', () => {
    expect(screenInboundCall({ ...offer, sourceIp: '10.0.0.12' }, lookups, policy, 'f')).toMatchObject({ kind: 'reject', sipCode: 403, reason: 'unknown_source' });
    expect(screenInboundCall({ ...offer, toUser: '15559999999' }, lookups, policy, 'f')).toMatchObject({ kind: 'reject', sipCode: 404, reason: 'unknown_number' });
    const { toUser: _, ...noTo } = offer;
    expect(screenInboundCall(noTo, lookups, policy, 'f')).toMatchObject({ kind: 'reject', sipCode: 404, reason: 'no_recipient' });
  });

  it('can take the dialled number from the Diversion header', () => {
    const diverted = { ...offer, toUser: 'pbx-main', diversion: '<sip:+15551230000@carrier.example>;reason=unconditional' };
    expect(screenInboundCall(diverted, lookups, { ...policy, recipientFrom: 'diversion' }, 'f')).toMatchObject({ kind: 'accept', recipient: '+15551230000' });
    expect(diversionNumber('<sip:anonymous@x>')).toBeUndefined();
  });
});
