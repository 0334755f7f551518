import { describe, expect, it } from 'vitest';
import { outboundFaxMachine, type OutboundFaxInput, type OutboundFaxSignal } from '../../../machines/outboundFax.js';
import { transportWithOverrides } from '../../../src/domain/outbound/dialOverrides.js';
import { defaultSendPolicy } from '../../../src/domain/outbound/sendPolicy.js';
import { firstAttemptState } from '../../../src/domain/outbound/sendState.js';
import { runMachine } from '../../support/machineHarness.js';

const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const policyTransport = { ecm: true, v17: true, t38: true };

const input: OutboundFaxInput = {
  faxId: 'fax-1',
  tenantId: 'tenant-1',
  to: '+15557654321',
  from: '+15551230000',
  tiffPath: '/spool/doc.tif',
  pages: 1,
  baseVariables: {},
  policy: defaultSendPolicy,
  next: firstAttemptState(['gw1'], policyTransport),
  attemptLog: [],
  now: T0,
};

const machine = outboundFaxMachine.provide({ actions: { requestChannel: () => {}, releaseChannel: () => {}, originate: () => {}, hangupCall: () => {} } });

describe('per-destination overrides (mod_db override-<number>)', () => {
  it('reads FreeSWITCH booleans for the transport variables and ignores the others', () => {
    expect(transportWithOverrides(policyTransport, { fax_enable_t38: 'false', fax_ident: 'X' })).toEqual({ ecm: true, v17: true, t38: false });
    expect(transportWithOverrides(policyTransport, { fax_use_ecm: 'off', fax_disable_v17: 'yes' })).toEqual({ ecm: false, v17: false, t38: true });
    expect(transportWithOverrides({ ecm: false, v17: false, t38: false }, { fax_use_ecm: '1', fax_disable_v17: 'false', fax_enable_t38: 'true' })).toEqual(policyTransport);
  });

  it('records the overrides and the transport really dialled, and FaxSent says T.38 was off', () => {
    const fax = runMachine(machine, input);
    const signals: OutboundFaxSignal[] = [
      { type: 'channel.granted', at: at(0), callUuid: 'c1' },
      { type: 'dial.overridesApplied', at: at(0), overrides: { fax_enable_t38: 'false' } },
      { type: 'esl.channel.answered', at: at(2) },
      { type: 'esl.fax.negotiated', at: at(4), transferRate: 14400, ecm: true, t38Status: 'off' },
      { type: 'esl.fax.page', at: at(10), page: 1, resolution: '204x196', badRows: 0, longestBadRowRun: 0, encoding: 'T.6', imageBytes: 1000 },
      { type: 'esl.channel.hangup', at: at(11), cause: 'NORMAL_CLEARING' },
      { type: 'esl.fax.result', at: at(11), success: true, code: 0, text: 'OK', pages: 1, t38Status: 'off', transferRate: 14400, badRows: 0 },
    ];
    fax.send(...signals);
    expect(fax.types().slice(0, 2)).toEqual(['FaxSendAttemptStarted', 'FaxDialOverridesApplied']);
    expect(fax.last('FaxSendAttemptStarted')).toMatchObject({ transport: policyTransport });
    expect(fax.last('FaxDialOverridesApplied')).toEqual({ faxId: 'fax-1', attempt: 1, callUuid: 'c1', overrides: { fax_enable_t38: 'false' }, transport: { ecm: true, v17: true, t38: false } });
    expect(fax.last('FaxSent')).toMatchObject({ t38Enabled: false, t38Status: 'off', transferRate: 14400 });
  });

  it('a failed attempt says the same, and the retry starts from the policy’s transport again', () => {
    const fax = runMachine(machine, input);
    fax.send(
      { type: 'channel.granted', at: at(0), callUuid: 'c1' },
      { type: 'dial.overridesApplied', at: at(0), overrides: { fax_enable_t38: 'false' } },
      { type: 'esl.channel.hangup', at: at(3), cause: 'USER_BUSY' },
    );
    expect(fax.last('FaxSendAttemptFailed')).toMatchObject({ outcomeClass: 'busy', t38Enabled: false });
    expect(fax.last('FaxRetryScheduled')).toMatchObject({ transport: policyTransport });
  });
});
