import { describe, expect, it } from 'vitest';
import { originateCommand, originateValue } from '../../../src/adapters/esl/originateCommand.js';
import { parseOriginate, type OriginateRequest } from '../../../src/sim/originateParser.js';

const request = {
  callUuid: 'c0ffee00-0000-4000-8000-000000000001',
  gateway: 'carrier_1',
  destination: '+15551234567',
  tiffPath: '/var/spool/faxengine/out/doc.tif',
  variables: { fax_ident: '+1 555 123 4567', fax_header: "Acme, Inc. {fax}'s", fax_enable_t38: 'true' },
};

/** What FreeSWITCH's parser (as the simulator reproduces it) hands the channel. */
function channelVariables(command: string): Map<string, string> {
  const parsed = parseOriginate(command.replace(/^originate /, ''));
  if ('error' in parsed) throw new Error(`originate does not parse: ${parsed.error}`);
  return (parsed as OriginateRequest).vars;
}

describe('originate command for a fax attempt', () => {
  it('turns double quotes in the caller name into single ones: sofia would cut the SIP display name at them', () => {
    const command = originateCommand({ ...request, variables: { origination_caller_id_name: 'O\'Neil, Mary "MJ"', fax_header: 'say "hi"' } });
    const variables = channelVariables(command);
    expect(variables.get('origination_caller_id_name')).toBe("O'Neil, Mary 'MJ'");
    expect(variables.get('fax_header')).toBe('say "hi"');
  });

  it('dials the gateway with a fresh origination_uuid', () => {
    const command = originateCommand(request);
    expect(command).toMatch(/^originate \{.*\}sofia\/gateway\/carrier_1\/\+15551234567 &txfax\(\/var\/spool\/faxengine\/out\/doc\.tif\)$/);
    const variables = channelVariables(command);
    expect(variables.get('origination_uuid')).toBe(request.callUuid);
    expect(variables.get('fax_enable_t38')).toBe('true');
  });

  it.each([
    ['commas, a percent sign and spaces', 'Acme Corp, Billing dept 50%'],
    ['quotes', `O'Brien & "Sons", 'quoted'`],
    ['non-ASCII', 'Müller GmbH, Straße 5 — Fax ☎ 東京'],
    ['backslashes and escapes', 'C:\\fax\\new, \\s \\, \\\\ \\n'],
    ['equals signs, pipes and brackets', 'a=b|c [x] ^^:y'],
    ['balanced braces', 'Acme {fax}'],
    ['several spaces in a row', 'A  B   C'],
  ])('keeps user text whole: %s', (_, text) => {
    const command = originateCommand({ ...request, variables: { fax_header: text, origination_caller_id_name: text, fax_ident: text } });
    const variables = channelVariables(command);
    expect(variables.get('fax_header')).toBe(text);
    expect(variables.get('origination_caller_id_name')).toBe(text.replace(/"/g, "'"));
    expect(variables.get('fax_ident')).toBe(text);
    expect(variables.get('origination_uuid')).toBe(request.callUuid);
  });

  it('drops braces that would end the block early, and control characters', () => {
    const variables = channelVariables(originateCommand({ ...request, variables: { fax_header: "Acme} Inc{\r\nline 2" } }));
    expect(variables.get('fax_header')).toBe('Acme Inc  line 2');
    expect(originateValue('  padded  ')).toBe('padded');
  });

  it("user text never carries a ${…} reference; faxengine's own variables may", () => {
    const command = originateCommand({ ...request, variables: { fax_header: 'Total ${system(id)} $\\{x} 5$' } }, { api_hangup_hook: 'db insert/r/k/${fax_success}' });
    const variables = channelVariables(command);
    expect(variables.get('fax_header')).toBe('Total {system(id)} \\{x} 5$');
    expect(variables.get('api_hangup_hook')).toBe('db insert/r/k/${fax_success}');
  });

  it('refuses gateway names, numbers and paths that would break the command', () => {
    expect(() => originateCommand({ ...request, gateway: 'gw1/evil' })).toThrow(/gateway name/);
    expect(() => originateCommand({ ...request, destination: '555 1234' })).toThrow(/destination/);
    expect(() => originateCommand({ ...request, tiffPath: '/tmp/a b.tif' })).toThrow(/fax file path/);
  });
});
