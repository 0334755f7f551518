import { describe, expect, it } from 'vitest';
import { decodeFaxEventMessage, encodeFaxEvent, type StoredFaxEvent } from '../../../src/domain/faxEventMessage.js';

const stored = (overrides: Partial<StoredFaxEvent> = {}): StoredFaxEvent => ({
  id: '0191f3a0-0000-7000-8000-000000000001',
  stream: 'fax-f-123',
  type: 'FaxReceived',
  data: { pages: 3 },
  metadata: { tenantId: 'acme', correlationId: 'c-9' },
  revision: 4,
  position: 77,
  created: '2025-01-02T03:04:05.678Z',
  ...overrides,
});

describe('fax event message', () => {
  it('keys by fax id, carries the documented fields and headers, and decodes back', () => {
    const encoded = encodeFaxEvent(stored());

    expect(encoded.key).toBe('f-123');
    expect(encoded.headers).toEqual({ 'faxengine-event-type': 'FaxReceived', 'faxengine-schema-version': '1' });
    expect(JSON.parse(encoded.value)).toEqual({
      schemaVersion: 1,
      eventId: '0191f3a0-0000-7000-8000-000000000001',
      type: 'FaxReceived',
      faxId: 'f-123',
      tenantId: 'acme',
      time: '2025-01-02T03:04:05.678Z',
      position: 77,
      revision: 4,
      data: { pages: 3 },
      metadata: { tenantId: 'acme', correlationId: 'c-9' },
    });
    expect(decodeFaxEventMessage(new TextEncoder().encode(encoded.value))).toEqual(JSON.parse(encoded.value));
  });

  it('takes the tenant from the metadata, else from the data, else null', () => {
    const tenantOf = (event: StoredFaxEvent) => decodeFaxEventMessage(encodeFaxEvent(event).value).tenantId;
    expect(tenantOf(stored({ metadata: {}, data: { tenantId: 'from-data' } }))).toBe('from-data');
    expect(tenantOf(stored({ metadata: { tenantId: 'meta' }, data: { tenantId: 'from-data' } }))).toBe('meta');
    expect(tenantOf(stored({ metadata: {}, data: null }))).toBeNull();
    expect(tenantOf(stored({ metadata: {}, data: 'text' }))).toBeNull();
  });

  it('refuses events of other streams and messages of another schema version', () => {
    expect(() => encodeFaxEvent(stored({ stream: 'tenant-acme' }))).toThrow(/not a fax stream/);
    const future = { ...JSON.parse(encodeFaxEvent(stored()).value), schemaVersion: 2 };
    expect(() => decodeFaxEventMessage(JSON.stringify(future))).toThrow(/schemaVersion/);
    const { eventId: _dropped, ...withoutId } = JSON.parse(encodeFaxEvent(stored()).value);
    expect(() => decodeFaxEventMessage(JSON.stringify(withoutId))).toThrow(/eventId/);
  });
});
