import { describe, expect, test } from 'vitest';
import { parseOriginate, type OriginateParseError, type OriginateRequest } from '../../../src/sim/originateParser.js';
import { hasVariableReference } from '../../../src/sim/originate.js';
import { separateString } from '../../../src/sim/separateString.js';

const parsed = (args: string): OriginateRequest => {
  const request = parseOriginate(args);
  if ('error' in request) throw new Error(`unexpected ${request.error}`);
  return request;
};

describe('originate parsing', () => {
  test('reads the {vars} block, the gateway endpoint and &app(arg)', () => {
    const request = parsed("{origination_uuid=u1,fax_ident='My Fax Inc',fax_enable_t38=true}sofia/gateway/gw1/15551234567 &txfax(/tmp/a.tif)");
    expect(request.vars.get('origination_uuid')).toBe('u1');
    expect(request.vars.get('fax_ident')).toBe('My Fax Inc');
    expect(request.groups).toHaveLength(1);
    expect(request.groups[0]?.[0]).toMatchObject({ kind: 'gateway', target: 'gw1', number: '15551234567' });
    expect(request.app).toEqual({ name: 'txfax', arg: '/tmp/a.tif' });
  });

  test('a comma ends a variable even inside single quotes, as in FreeSWITCH', () => {
    const request = parsed("{fax_header='Acme Corp, Billing dept 50%',origination_uuid=u1}sofia/gateway/gw1/1 &park()");
    expect(request.vars.get('fax_header')).toBe('Acme Corp');
    expect(request.vars.get('origination_uuid')).toBe('u1');
  });

  test('escapes survive one level per split: \\, keeps a comma, \\s is a space', () => {
    const request = parsed('{fax_header=Acme\\sCorp\\\\,\\sBilling,b=x\\\\\\\'y}sofia/gateway/gw1/1 &park()');
    expect(request.vars.get('fax_header')).toBe('Acme Corp, Billing');
    expect(request.vars.get('b')).toBe("x'y");
  });

  test('an unquoted space in {…} is a parse error (captures/parseerror.raw)', () => {
    const args =
      "{origination_caller_id_name='Sim Fid',fax_ident=+1 555 123 0000,fax_header='Simfid Header',origination_uuid=a3}sofia/gateway/gw1/9901 &txfax(/tmp/f.tif)";
    expect(parseOriginate(args)).toEqual<OriginateParseError>({ error: 'parse' });
  });

  test('`,` rings at once and `|` tries in order; [leg] vars override {global} ones', () => {
    const request = parsed('{a=1}[a=2]sofia/gateway/gw1/1,sofia/gateway/gw2/2|error/USER_BUSY &park()');
    expect(request.groups.map((group) => group.map((ep) => ep.raw))).toEqual([['sofia/gateway/gw1/1', 'sofia/gateway/gw2/2'], ['error/USER_BUSY']]);
    expect(request.groups[0]?.[0]?.vars.get('a')).toBe('2');
    expect(request.groups[0]?.[1]?.vars.get('a')).toBe('1');
  });

  test('supports the ^^ delimiter and profile endpoints; an extension target has no app', () => {
    const request = parsed('{^^:a=x,y:b=2}sofia/external/100@10.0.0.1 9999 XML default');
    expect(request.vars.get('a')).toBe('x,y');
    expect(request.vars.get('b')).toBe('2');
    expect(request.groups[0]?.[0]).toMatchObject({ kind: 'profile', target: 'external', number: '100' });
    expect(request.exten).toBe('9999');
  });

  test('a missing target or too many arguments is a usage error', () => {
    expect(parseOriginate('sofia/gateway/gw1/1')).toEqual({ error: 'usage' });
    expect(parseOriginate('sofia/gateway/gw1/1 1 2 3 4 5 6 7')).toEqual({ error: 'usage' });
  });

  test('an application argument with a space is cut at the space, as originate_function does (proto.raw)', () => {
    const request = parseOriginate("{a=b,c='x y'}sofia/gateway/nosuchgw/15551234567 &txfax(/tmp/x y.tif)");
    expect(request).toMatchObject({ app: { name: 'txfax', arg: '/tmp/x' } });
    expect(parseOriginate('sofia/gateway/gw1/1 &park')).toMatchObject({ app: { name: 'park', arg: '' } });
  });
});

describe('variables that hold ${…}', () => {
  test('are recognised as FreeSWITCH does (switch_string_var_check_const)', () => {
    expect(hasVariableReference('db insert/r/k/${fax_success}')).toBe(true);
    expect(hasVariableReference('a $\\{b}')).toBe(true);
    expect(hasVariableReference('costs 5$ {x}')).toBe(false);
  });
});

describe("FreeSWITCH's switch_separate_string", () => {
  test('splits on the delimiter outside matched quotes, then strips quotes and escapes', () => {
    expect(separateString("a,'b,c',d", ',', 10)).toEqual(['a', 'b,c', 'd']);
    expect(separateString("it's,x", ',', 10)).toEqual(["it's", 'x']);
    expect(separateString('a\\,b,c', ',', 10)).toEqual(['a,b', 'c']);
    expect(separateString('a=b=c', '=', 2)).toEqual(['a', 'b=c']);
    expect(separateString("  one  'two three'  four ", ' ', 10)).toEqual(['one', 'two three', 'four']);
    expect(separateString('a b c d', ' ', 2)).toEqual(['a', 'b c d']);
    expect(separateString('x\\sy \\q', ' ', 10)).toEqual(['x y', '\\q']);
  });
});
