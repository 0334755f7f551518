import type { z } from 'zod';

/** `http.listen` → `FAXENGINE_HTTP_LISTEN`, `admin.apiKey` → `FAXENGINE_ADMIN_API_KEY`. */
export function envNameFor(path: string): string {
  return (
    'FAXENGINE_' +
    path
      .split('.')
      .map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('_')
  );
}

/** Dotted paths of every leaf key of an object schema (through defaults, optionals and preprocessors). */
export function leafPaths(schema: z.ZodType, prefix = ''): string[] {
  const object = unwrapToObject(schema);
  if (!object) return prefix ? [prefix] : [];
  return Object.entries(object).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

function unwrapToObject(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 10; depth++) {
    const def = current._zod.def as { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType };
    if (def.type === 'object') return def.shape;
    if (def.type !== 'default' && def.type !== 'prefault' && def.type !== 'optional') return undefined;
    current = def.innerType;
  }
  return undefined;
}
