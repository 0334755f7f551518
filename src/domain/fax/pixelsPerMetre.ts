const INCH_IN_METRES = 0.0254;

/**
 * spandsp reports resolutions in pixels per metre (`8040x7700`); people and the original speak
 * dots per inch (`204x196`). `0x0` (no page statistics) stays `0x0`.
 */
export function pixelsPerMetreToDpi(value: string): string {
  const match = /^(\d+)x(\d+)$/.exec(value.trim());
  if (!match) return value;
  const toDpi = (ppm: string) => Math.round(Number(ppm) * INCH_IN_METRES);
  return `${toDpi(match[1]!)}x${toDpi(match[2]!)}`;
}
