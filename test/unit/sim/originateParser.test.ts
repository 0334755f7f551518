import { describe, expect, test } from 'vitest';
import { parseOriginate } from '../../../src/sim/originateParser.js';

describe('originate parsing', () => {
  test('reads the {vars} block, the gateway endpoint and &app(arg)', () => {
    const request = parseOriginate("{origination_uuid=u1,fax_ident='My Fax, Inc',fax_enable_t38=true}sofia/gateway/gw1/15551234567 &txfax(/tmp/a b.tif)");
    expect(request?.vars.get('origination_uuid')).toBe('u1');
    expect(request?.vars.get('fax_ident')).toBe('My Fax, Inc');
    expect(request?.groups).toHaveLength(1);
    expect(request?.groups[0]?.[0]).toMatchObject({ kind: 'gateway', target: 'gw1', number: '15551234567' });
    expect(request?.app).toEqual({ name: 'txfax', arg: '/tmp/a b.tif' });
  });

  test('`,` rings at once and `|` tries in order; [leg] vars override {global} ones', () => {
    const request = parseOriginate('{a=1}[a=2]sofia/gateway/gw1/1,sofia/gateway/gw2/2|error/USER_BUSY &park()');
    expect(request?.groups.map((group) => group.map((ep) => ep.raw))).toEqual([['sofia/gateway/gw1/1', 'sofia/gateway/gw2/2'], ['error/USER_BUSY']]);
    expect(request?.groups[0]?.[0]?.vars.get('a')).toBe('2');
    expect(request?.groups[0]?.[1]?.vars.get('a')).toBe('1');
  });

  test('supports the ^^ delimiter and profile endpoints; an extension target has no app', () => {
    const request = parseOriginate('{^^:a=x,y:b=2}sofia/external/100@10.0.0.1 9999 XML default');
    expect(request?.vars.get('a')).toBe('x,y');
    expect(request?.groups[0]?.[0]).toMatchObject({ kind: 'profile', target: 'external', number: '100' });
    expect(request?.exten).toBe('9999');
  });

  test('missing target is a usage error', () => {
    expect(parseOriginate('sofia/gateway/gw1/1')).toBeUndefined();
  });
});
