import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faxRoutes } from '../../../src/api/routes/faxRoutes.js';
import { faxPurgeEventTypes } from '../../../src/domain/fax/purgeEvents.js';
import { faxStreamEventTypes } from '../../../src/domain/faxStreamEvents.js';
import { faxReadEventTypes } from '../../../src/domain/fax/faxReadEvents.js';
import { inboundFaxEventTypes } from '../../../src/domain/fax/inboundFaxEvents.js';
import { notificationEventTypes } from '../../../src/domain/notifications/notificationEvents.js';
import { outboundFaxEventTypes } from '../../../src/domain/outbound/outboundFaxEvents.js';

type Schema = { $ref?: string; oneOf?: Schema[]; anyOf?: Schema[]; properties?: Record<string, Schema>; enum?: string[]; required?: string[]; discriminator?: { propertyName: string; mapping: Record<string, string> } };

/** The fax routes' part of the OpenAPI document, as the app serves it (the routes' handlers never run here). */
function faxDocument() {
  const routes = faxRoutes({
    faxes: {} as never,
    eventStore: {} as never,
    documents: {} as never,
    auth: { any: async (_c: unknown, next: () => Promise<void>) => next() } as never,
  });
  const doc = routes.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'faxengine', version: 'test' } });
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const deref = (schema: Schema): Schema => (schema.$ref ? deref(schemas[schema.$ref.replace('#/components/schemas/', '')]!) : schema);
  const history = (doc.paths?.['/v1/faxes/{id}/events'] as { get: { responses: Record<string, { content: Record<string, { schema: Schema }> }> } }).get;
  const items = deref(history.responses['200']!.content['application/json']!.schema).properties!.items as Schema & { items: Schema };
  return { deref, historyItem: deref(items.items) };
}

/** Every `type: 'Fax…'` / `type: 'Notification…'` literal in the code that writes events (fax streams hold only these). */
function eventTypesWrittenInCode(): Set<string> {
  const root = join(import.meta.dirname, '..', '..', '..');
  const files = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
  const types = new Set<string>();
  for (const file of [...files('src'), ...files('machines')]) {
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(/\btype: '((?:Fax|Notification)[A-Z][A-Za-z]+)'/g)) types.add(match[1]!);
  }
  return types;
}

describe('FaxEvent in the OpenAPI document: data typed per event type', () => {
  it('the domain lists every type a fax stream holds, and the code writes no other', () => {
    expect(new Set(faxStreamEventTypes)).toEqual(new Set([...inboundFaxEventTypes, ...outboundFaxEventTypes, ...notificationEventTypes, ...faxReadEventTypes, ...faxPurgeEventTypes]));
    const written = eventTypesWrittenInCode();
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((type) => !faxStreamEventTypes.includes(type as never))).toEqual([]);
  });

  it('has one schema per event type the domain defines, chosen by `type`', () => {
    const { deref, historyItem } = faxDocument();
    expect(historyItem.discriminator?.propertyName).toBe('type');
    const variants = (historyItem.oneOf ?? []).map(deref);
    const typesInSpec = variants.map((variant) => variant.properties?.type?.enum ?? []);
    for (const types of typesInSpec) expect(types).toHaveLength(1);
    expect(typesInSpec.flat().sort()).toEqual([...faxStreamEventTypes].sort());
    expect(Object.keys(historyItem.discriminator?.mapping ?? {}).sort()).toEqual([...faxStreamEventTypes].sort());
  });

  it("gives each type's data its fields, not an opaque object", () => {
    const { deref, historyItem } = faxDocument();
    const variants = (historyItem.oneOf ?? []).map(deref);
    expect(variants).toHaveLength(faxStreamEventTypes.length);
    for (const variant of variants) {
      const type = variant.properties!.type!.enum![0]!;
      const data = deref(variant.properties!.data!);
      const shapes = data.anyOf ?? data.oneOf ?? [data];
      for (const shape of shapes.map(deref)) {
        expect(Object.keys(shape.properties ?? {}), type).toContain('faxId');
        expect(shape.required ?? [], type).toContain('faxId');
      }
    }
  });
});
