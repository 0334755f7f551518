import { describe, expect, it } from 'vitest';
import { originateCommand } from '../../../src/adapters/esl/originateCommand.js';
import { parseVarBlock } from '../../../src/sim/originateParser.js';

const request = {
  callUuid: 'c0ffee00-0000-4000-8000-000000000001',
  gateway: 'carrier_1',
  destination: '+15551234567',
  tiffPath: '/var/spool/faxengine/out/doc.tif',
  variables: { fax_ident: '+1 555 123 4567', fax_header: "Acme, Inc. {fax}'s", fax_enable_t38: 'true' },
};

describe('originate command for a fax attempt', () => {
  it('dials the gateway with a fresh origination_uuid and keeps user text whole', () => {
    const command = originateCommand(request);
    expect(command).toMatch(/^originate \{.*\}sofia\/gateway\/carrier_1\/\+15551234567 &txfax\(\/var\/spool\/faxengine\/out\/doc\.tif\)$/);
    const block = /^originate \{(.*)\}sofia/.exec(command)![1]!;
    const variables = parseVarBlock(block);
    expect(variables.get('origination_uuid')).toBe(request.callUuid);
    expect(variables.get('fax_ident')).toBe('+1 555 123 4567');
    expect(variables.get('fax_header')).toBe('Acme, Inc. faxs');
    expect(variables.get('fax_enable_t38')).toBe('true');
  });

  it('refuses gateway names, numbers and paths that would break the command', () => {
    expect(() => originateCommand({ ...request, gateway: 'gw1/evil' })).toThrow(/gateway name/);
    expect(() => originateCommand({ ...request, destination: '555 1234' })).toThrow(/destination/);
    expect(() => originateCommand({ ...request, tiffPath: '/tmp/a b.tif' })).toThrow(/fax file path/);
  });
});
