import { linearScale, niceTicks } from './scale.js';
import { escapeXml, legend, px, shorten, svgOpen } from './svgText.js';

export interface BarSeries {
  name: string;
  /** One value per category, in the categories' order. */
  values: readonly number[];
  color: string;
}

export interface BarChartSpec {
  /** Unique on the page: the ids of the chart's <title> and <desc> derive from it. */
  id: string;
  title: string;
  description: string;
  categories: readonly string[];
  /** Stacked left to right in this order. */
  series: readonly BarSeries[];
  width?: number;
}

const labelWidth = 150;
const rowHeight = 28;
const top = 34;
const axisHeight = 34;
const rightPad = 48;

/**
 * A horizontal stacked bar chart as SVG text, one bar per category (long category names read
 * better on the left than under a column). Each segment has a <title> with its figure; the total
 * is written at the bar's end. Counts only: the axis ticks are whole numbers.
 */
export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 480;
  const rows = Math.max(1, spec.categories.length);
  const height = top + rows * rowHeight + axisHeight;
  const totals = spec.categories.map((_, i) => spec.series.reduce((sum, s) => sum + Math.max(0, s.values[i] ?? 0), 0));
  const ticks = niceTicks(0, Math.max(0, ...totals), 5, true);
  const x = linearScale([0, ticks.at(-1)!], [labelWidth, width - rightPad]);
  const plotBottom = top + rows * rowHeight;
  const parts: string[] = [svgOpen(spec.id, width, height, spec.title, spec.description)];

  parts.push(`<g class="legend">${legend(spec.series, labelWidth, 16)}</g>`);
  parts.push('<g class="axis">');
  for (const tick of ticks) {
    parts.push(`<line x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${top}" y2="${plotBottom}" class="grid"/>`);
    parts.push(`<text x="${px(x(tick))}" y="${plotBottom + 18}" text-anchor="middle">${tick}</text>`);
  }
  parts.push('</g>');

  spec.categories.forEach((category, i) => {
    const y = top + i * rowHeight;
    parts.push(`<g class="bar"><text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${escapeXml(shorten(category, 20))}<title>${escapeXml(category)}</title></text>`);
    let at = 0;
    for (const series of spec.series) {
      const value = Math.max(0, series.values[i] ?? 0);
      if (value === 0) continue;
      parts.push(
        `<rect x="${px(x(at))}" y="${y + 5}" width="${px(x(at + value) - x(at))}" height="${rowHeight - 10}" fill="${escapeXml(series.color)}"><title>${escapeXml(`${category}: ${series.name} ${value}`)}</title></rect>`,
      );
      at += value;
    }
    parts.push(`<text x="${px(x(at) + 6)}" y="${y + 18}">${totals[i]}</text></g>`);
  });
  parts.push(`<line x1="${labelWidth}" x2="${labelWidth}" y1="${top}" y2="${plotBottom}" class="baseline"/>`);
  parts.push('</svg>');
  return parts.join('');
}
