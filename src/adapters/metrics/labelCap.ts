/**
 * Bounds a label's values: the first `max` distinct values keep their own label, later ones count
 * as `other`, so a server with thousands of tenants cannot blow up Prometheus's series count.
 * The first `max` seen since the start keep theirs (the counters restart at zero anyway).
 */
export function createLabelCap(max: number): (value: string) => string {
  const kept = new Set<string>();
  return (value) => {
    if (kept.has(value)) return value;
    if (kept.size >= max) return 'other';
    kept.add(value);
    return value;
  };
}
