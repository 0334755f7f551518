import { describe, expect, it } from 'vitest';
import { screenInboundCall, type InboundPolicy, type ScreeningLookups } from '../../../src/domain/fax/inboundScreening.js';

const lookups = (bridgeGateway?: string): ScreeningLookups => ({
  sourceGateway: (ip) => ({ '10.0.0.1': { gateway: 'carrier1', role: 'upstream' as const }, '10.0.0.9': { gateway: 'pbx-acme', role: 'pbx' as const } })[ip],
  route: () => ({ tenantId: 't1', stationIdent: null, pageHeader: null, ...(bridgeGateway ? { bridgeGateway } : {}) }),
  toE164: (raw) => `+${raw}`,
  stationNeedsAudio: () => false,
  canSendOut: () => true,
});
const policy: InboundPolicy = { recipientFrom: 'to', ringDelayMs: 0, silenceMs: 0, t38: { upstream: { enabled: true, request: false }, pbx: { enabled: false, request: false } }, spoolDir: '/s' };
const offer = { callUuid: 'u', callerNumber: '15550001111', toUser: '15551230000', sourceIp: '10.0.0.1' };

describe('bridge screening', () => {
  it('bridges carrier calls to a number whose gateway endpoint is flagged as a live bridge', () => {
    expect(screenInboundCall(offer, lookups('pbx-acme'), policy, 'f')).toEqual({
      kind: 'bridge',
      tenantId: 't1',
      recipient: '+15551230000',
      sourceGateway: 'carrier1',
      bridgeGateway: 'pbx-acme',
      t38Enabled: true,
      t38Requested: false,
      t38Policy: 'upstream gateway carrier1: T.38 enabled',
    });
  });

  it('stores and forwards when no bridge is flagged, or when the call comes from a PBX', () => {
    expect(screenInboundCall(offer, lookups(), policy, 'f').kind).toBe('accept');
    expect(screenInboundCall({ ...offer, sourceIp: '10.0.0.9' }, lookups('pbx-acme'), policy, 'f').kind).toBe('accept');
  });
});
