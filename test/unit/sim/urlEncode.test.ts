import { describe, expect, test } from 'vitest';
import { fsUrlDecode, fsUrlEncode } from '../../../src/sim/urlEncode.js';

describe('fsUrlEncode (reference §1.3)', () => {
  test.each([
    ['+OK\n', '%2BOK%0A'],
    ['::1', '%3A%3A1'],
    ['spandsp::rxfaxresult', 'spandsp%3A%3Arxfaxresult'],
    ['T.4 1-D', 'T.4%201-D'],
    ['SpanDSP Fax Ident', 'SpanDSP%20Fax%20Ident'],
    ['sofia/external/+15551234567@10.0.0.9:5060', 'sofia/external/%2B15551234567%4010.0.0.9%3A5060'],
    ['José', 'Jos%C3%A9'],
    ['Wed, 01 May 2024 10:00:07 GMT', 'Wed,%2001%20May%202024%2010%3A00%3A07%20GMT'],
  ])('%j → %s', (raw, encoded) => {
    expect(fsUrlEncode(raw)).toBe(encoded);
  });

  test('keeps , / . - _ ~ ! * ( ) \' $ unchanged', () => {
    expect(fsUrlEncode(",/.-_~!*()'$")).toBe(",/.-_~!*()'$");
  });

  test('encodes all 23 unsafe characters with uppercase hex', () => {
    expect(fsUrlEncode('\r\n #&+:;<=>?@[\\]^`{|}"')).toBe(
      '%0D%0A%20%23%26%2B%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D%22',
    );
  });

  test('does not re-encode %XX with uppercase hex digits, but encodes other % signs', () => {
    expect(fsUrlEncode('50%25')).toBe('50%25');
    expect(fsUrlEncode('50%2f')).toBe('50%252f');
    expect(fsUrlEncode('100%')).toBe('100%25');
  });

  test('encodes control bytes and DEL', () => {
    expect(fsUrlEncode('a\tb\x7f')).toBe('a%09b%7F');
  });

  test('fsUrlDecode reverses encoding and leaves bad escapes alone', () => {
    expect(fsUrlDecode('SpanDSP%20Fax%20Ident')).toBe('SpanDSP Fax Ident');
    expect(fsUrlDecode('Jos%C3%A9 %zz')).toBe('José %zz');
  });
});
