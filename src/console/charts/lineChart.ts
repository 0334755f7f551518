import { linearScale, niceTicks } from './scale.js';
import { escapeXml, legend, px, svgOpen } from './svgText.js';

export interface LineSeries {
  name: string;
  /** One value per x label; null: no figure (e.g. a success rate without finished faxes), a gap in the line. */
  values: readonly (number | null)[];
  color: string;
}

export interface LineChartSpec {
  /** Unique on the page: the ids of the chart's <title> and <desc> derive from it. */
  id: string;
  title: string;
  description: string;
  xLabels: readonly string[];
  series: readonly LineSeries[];
  /** A fixed top of the y axis (100 for percentages); otherwise from the data. */
  yMax?: number;
  /** Whole-number ticks (counts). */
  integer?: boolean;
  /** How a y value reads, on the axis and in the points' <title>s (e.g. `95 %`). */
  format?: (value: number) => string;
  width?: number;
}

const left = 52;
const right = 16;
const top = 34;
const bottom = 40;
const maxXLabels = 8;

/**
 * A line chart with axes as SVG text: a polyline per series (broken at nulls), a dot with a
 * <title> per figure, horizontal grid lines at round values, and at most eight x labels.
 */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 480;
  const height = 220;
  const format = spec.format ?? String;
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const ticks = niceTicks(0, spec.yMax ?? Math.max(0, ...values), 5, spec.integer ?? false);
  const yTop = Math.max(ticks.at(-1)!, spec.yMax ?? 0);
  const plotBottom = height - bottom;
  const y = linearScale([0, yTop], [plotBottom, top]);
  const count = spec.xLabels.length;
  // One point sits in the middle; several spread over the whole width.
  const x = count <= 1 ? () => (left + width - right) / 2 : linearScale([0, count - 1], [left + 8, width - right - 8]);
  const parts: string[] = [svgOpen(spec.id, width, height, spec.title, spec.description)];

  parts.push(`<g class="legend">${legend(spec.series, left, 16)}</g>`);
  parts.push('<g class="axis">');
  for (const tick of ticks) {
    if (tick > yTop) continue;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${px(y(tick))}" y2="${px(y(tick))}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${px(y(tick) + 4)}" text-anchor="end">${escapeXml(format(tick))}</text>`);
  }
  const every = Math.max(1, Math.ceil(count / maxXLabels));
  spec.xLabels.forEach((label, i) => {
    if (i % every !== 0 && i !== count - 1) return;
    parts.push(`<text x="${px(x(i))}" y="${plotBottom + 18}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${plotBottom}" y2="${plotBottom}" class="baseline"/>`);
  parts.push('</g>');

  for (const series of spec.series) {
    const color = escapeXml(series.color);
    parts.push(`<g class="series">`);
    for (const run of runsOf(series.values)) {
      if (run.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${run.map(([i, v]) => `${px(x(i))},${px(y(v))}`).join(' ')}"/>`);
    }
    series.values.forEach((value, i) => {
      if (value === null) return;
      parts.push(`<circle cx="${px(x(i))}" cy="${px(y(value))}" r="3.5" fill="${color}"><title>${escapeXml(`${spec.xLabels[i] ?? ''}: ${series.name} ${format(value)}`)}</title></circle>`);
    });
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The series cut at its nulls into runs of [index, value]. */
function runsOf(values: readonly (number | null)[]): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  values.forEach((value, i) => {
    if (value === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push([i, value]);
  });
  if (run.length) runs.push(run);
  return runs;
}
