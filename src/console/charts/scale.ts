/** Tick values and linear mapping for chart axes: pure arithmetic, so the charts are testable as text. */

/** The "nice" step (1, 2 or 5 times a power of ten) closest above `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * About `count` evenly spaced round values covering [min, max], first ≤ min and last ≥ max.
 * `integer`: steps of at least 1 (fax counts have no halves). An empty or flat range still gets an axis.
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  let low = Number.isFinite(min) ? min : 0;
  let high = Number.isFinite(max) ? max : 0;
  if (high < low) [low, high] = [high, low];
  if (high === low) high = low + (integer || low === 0 ? 1 : Math.abs(low));
  let step = niceStep((high - low) / Math.max(1, count));
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(low / step);
  const last = Math.ceil(high / step);
  const ticks: number[] = [];
  // Multiplying (not adding) keeps 0.1 + 0.2 drift out of the labels.
  for (let i = first; i <= last; i++) ticks.push(roundTo(i * step, step));
  return ticks;
}

const roundTo = (value: number, step: number) => {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(digits, 12)));
};

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to r0. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const width = d1 - d0;
  return (value) => (width === 0 ? r0 : r0 + ((value - d0) / width) * (r1 - r0));
}
