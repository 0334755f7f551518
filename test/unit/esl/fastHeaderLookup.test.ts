import esl from 'modesl';
import { describe, expect, it } from 'vitest';
import { installFastHeaderLookup } from '../../../src/adapters/esl/fastHeaderLookup.js';

describe("modesl's header lookup, indexed", () => {
  it('answers exactly what the linear scan answered: values, overwrites, deletes, missing names', () => {
    installFastHeaderLookup();
    const event = new esl.Event({ 'Event-Name': 'CUSTOM', 'Unique-ID': 'u1', 'fax-result-code': '0', _body: 'b' });
    expect(event.getHeader('Unique-ID')).toBe('u1');
    expect(event.getHeader('unique-id')).toBeNull();
    expect(event.getHeader('fax-result-code')).toBe('0');
    expect(event.getBody()).toBe('b');
    (event as unknown as { addHeader(n: string, v: string): void }).addHeader('fax-result-code', '49');
    (event as unknown as { addHeader(n: string, v: string): void }).addHeader('Hangup-Cause', 'NORMAL_CLEARING');
    expect(event.getHeader('fax-result-code')).toBe('49');
    expect(event.getHeader('Hangup-Cause')).toBe('NORMAL_CLEARING');
    expect(event.headers.map((header) => header.name)).toEqual(['Event-Name', 'Unique-ID', 'fax-result-code', 'Hangup-Cause']);
    (event as unknown as { delHeader(n: string): void }).delHeader('Unique-ID');
    expect(event.getHeader('Unique-ID')).toBeNull();
    expect(event.headers).toHaveLength(3);
  });
});
