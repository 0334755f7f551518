import { describe, expect, it } from 'vitest';
import { outcomeHook, parseOutcomeRecord } from '../../../src/adapters/esl/faxOutcomeRecord.js';
import { originateCommand } from '../../../src/adapters/esl/originateCommand.js';
import { parseOriginate, type OriginateRequest } from '../../../src/sim/originateParser.js';
import { separateString } from '../../../src/sim/separateString.js';

const uuid = '3f1c2a52-0a4e-4b7e-9a55-5d1d6f7a8b90';

describe('the call outcome FreeSWITCH records at hang-up', () => {
  it('the hook reaches the channel whole through the originate, and db insert splits it into realm, key and value', () => {
    const command = originateCommand({ callUuid: uuid, gateway: 'gw1', destination: '+15550001111', tiffPath: '/tmp/f.tif', variables: {} }, { api_hangup_hook: outcomeHook(uuid) });
    const parsed = parseOriginate(command.replace(/^originate /, '')) as OriginateRequest;
    const hook = parsed.vars.get('api_hangup_hook')!;
    expect(hook).toBe(outcomeHook(uuid));
    // switch_core_state_machine.c: command and arguments split at the first space (there is no `::`).
    expect(hook.includes('::')).toBe(false);
    const [command_, args] = [hook.slice(0, hook.indexOf(' ')), hook.slice(hook.indexOf(' ') + 1)];
    expect(command_).toBe('db');
    const expanded = args.replace(/\$\{[a-z_0-9]+\}/g, 'x');
    expect(separateString(expanded, '/', 4)).toEqual(['insert', 'faxengine_outcome', uuid, 'v1:x:x:x:x:x:x:x:x']);
  });

  it('reads a sent fax, a failed one, an unanswered call, and refuses what it did not write', () => {
    expect(parseOutcomeRecord('v1:1:0:2:NORMAL_CLEARING:1796543327:9600:on:off')).toEqual({
      hangupCause: 'NORMAL_CLEARING',
      answered: true,
      answeredAt: new Date(1796543327 * 1000).toISOString(),
      fax: { success: true, code: 0, pages: 2, transferRate: 9600, ecm: true, t38Status: 'off' },
    });
    expect(parseOutcomeRecord('v1:0:49:1:NORMAL_CLEARING:1796543327:14400:off:negotiated')?.fax).toMatchObject({ success: false, code: 49, pages: 1, t38Status: 'negotiated' });
    expect(parseOutcomeRecord('v1::::USER_BUSY:0:::')).toEqual({ hangupCause: 'USER_BUSY', answered: false });
    expect(parseOutcomeRecord('')).toBeUndefined();
    expect(parseOutcomeRecord('-ERR db Command not found!')).toBeUndefined();
  });
});
