/**
 * JSON with object keys sorted at every level and keys whose value is `undefined` left out, so the
 * same value always gives the same bytes whatever order its keys were built in: what a hash of a
 * value (an access entry's chain link, a submission's fingerprint) is taken over. `undefined` on
 * its own or in an array reads `null`, as `JSON.stringify` writes it in an array. Keys are ordered
 * by UTF-16 code units (`Array.prototype.sort`'s default).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}
