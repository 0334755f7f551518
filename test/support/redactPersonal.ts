import { takePersonalValues } from '../../src/adapters/eventStore/personalData/personalFields.js';

/**
 * The event's data as the event store reads it once the fax's key is destroyed (its personal
 * fields the empty value of their type), for tests of the read models: the store's own field list.
 */
export function redactPersonal<T extends { type: string; data: unknown }>(event: T): T {
  return { ...event, data: takePersonalValues(event.type, event.data).redacted };
}
