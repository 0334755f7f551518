import { describe, expect, it } from 'vitest';
import { barChart } from '../../../src/console/charts/barChart.js';
import { lineChart } from '../../../src/console/charts/lineChart.js';
import { escapeXml, shorten } from '../../../src/console/charts/svgText.js';

const titles = (svg: string, element: string) => [...svg.matchAll(new RegExp(`<${element}[^>]*><title>([^<]*)</title>`, 'g'))].map((m) => m[1]);
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)/g)].map((m) => m[1]);
const attr = (svg: string, element: string, name: string) => [...svg.matchAll(new RegExp(`<${element} [^>]*${name}="([^"]*)"`, 'g'))].map((m) => m[1]);

describe('SVG text', () => {
  it('escapes markup and quotes, and shortens long labels with an ellipsis', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(shorten('carrier-gateway-number-one', 10)).toBe('carrier-g…');
    expect(shorten('short', 10)).toBe('short');
  });
});

describe('bar chart', () => {
  const spec = {
    id: 'gw',
    title: 'Faxes per gateway',
    description: 'succeeded and failed',
    categories: ['carrier1', 'carrier2'],
    series: [
      { name: 'succeeded', values: [5, 1], color: '#1d6b2a' },
      { name: 'failed', values: [2, 0], color: '#a10000' },
    ],
  };

  it('is an image labelled by its own title and description', () => {
    const svg = barChart(spec);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="gw-title gw-desc"/);
    expect(svg).toContain('<title id="gw-title">Faxes per gateway</title><desc id="gw-desc">succeeded and failed</desc>');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('draws one segment per non-zero figure with its figure in words, and each bar\'s total', () => {
    const svg = barChart(spec);
    expect(titles(svg, 'rect')).toEqual(['carrier1: succeeded 5', 'carrier1: failed 2', 'carrier2: succeeded 1']);
    expect(texts(svg)).toEqual(expect.arrayContaining(['carrier1', 'carrier2', '7', '1']));
  });

  it('makes segment widths proportional to the figures on a whole-number axis', () => {
    const svg = barChart(spec);
    const widths = attr(svg, 'rect', 'width').slice(2).map(Number); // after the two legend swatches
    expect(widths[0]! / widths[1]!).toBeCloseTo(5 / 2, 1);
    expect(widths[0]! / widths[2]!).toBeCloseTo(5, 1);
    const axis = texts(svg).filter((t) => /^\d+$/.test(t!));
    expect(axis.slice(0, 5)).toEqual(['0', '2', '4', '6', '8']);
  });

  it('escapes labels, series names and ids (user data: gateway names, caller digits)', () => {
    const svg = barChart({ ...spec, id: 'x"y', categories: ['<script>alert(1)</script>', 'a&b'], series: [{ name: 'o"k', values: [1, 1], color: '#000' }] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg).toContain('o&quot;k');
    expect(svg).toContain('id="x&quot;y"');
  });

  it('keeps a long label whole in its <title> while the visible one is shortened', () => {
    const long = 'sip-trunk-of-a-very-long-carrier-name';
    const svg = barChart({ ...spec, categories: [long], series: [{ name: 'succeeded', values: [1], color: '#000' }] });
    expect(svg).toContain(`${shorten(long, 20)}<title>${long}</title>`);
  });

  it('renders without categories or with zero figures (no NaN, no negative widths)', () => {
    for (const svg of [barChart({ ...spec, categories: [], series: [] }), barChart({ ...spec, series: [{ name: 'succeeded', values: [0, 0], color: '#000' }] })]) {
      expect(svg).not.toMatch(/NaN|Infinity|width="-/);
      expect(titles(svg, 'rect')).toEqual([]);
    }
  });
});

describe('line chart', () => {
  const spec = {
    id: 'daily',
    title: 'Faxes per day',
    description: 'per UTC day',
    xLabels: ['12-01', '12-02', '12-03'],
    integer: true,
    series: [{ name: 'faxes', values: [0, 4, 2], color: '#12324f' }],
  };

  it('puts a dot with its figure on each day, higher figures higher up', () => {
    const svg = lineChart(spec);
    expect(titles(svg, 'circle')).toEqual(['12-01: faxes 0', '12-02: faxes 4', '12-03: faxes 2']);
    const ys = attr(svg, 'circle', 'cy').map(Number);
    expect(ys[1]!).toBeLessThan(ys[2]!);
    expect(ys[2]!).toBeLessThan(ys[0]!);
    const xs = attr(svg, 'circle', 'cx').map(Number);
    expect(xs[0]!).toBeLessThan(xs[1]!);
    expect(xs[2]! - xs[1]!).toBeCloseTo(xs[1]! - xs[0]!, 1);
  });

  it('labels the axes: round y ticks formatted, and the days', () => {
    const svg = lineChart({ ...spec, xLabels: spec.xLabels, yMax: 100, integer: false, format: (v: number) => `${v} %`, series: [{ name: 'rate', values: [50, null, 100], color: '#1d6b2a' }] });
    expect(texts(svg)).toEqual(expect.arrayContaining(['0 %', '20 %', '100 %', '12-01', '12-02', '12-03']));
    expect(titles(svg, 'circle')).toEqual(['12-01: rate 50 %', '12-03: rate 100 %']);
  });

  it('breaks the line at a missing figure instead of drawing through it', () => {
    const svg = lineChart({ ...spec, xLabels: ['a', 'b', 'c', 'd', 'e'], series: [{ name: 's', values: [1, 2, null, 3, 4], color: '#000' }] });
    const lines = attr(svg, 'polyline', 'points');
    expect(lines).toHaveLength(2);
    expect(lines.map((points) => points!.split(' ').length)).toEqual([2, 2]);
  });

  it('shows at most eight day labels on a long window, the last day always', () => {
    const days = Array.from({ length: 31 }, (_, i) => `d${i + 1}`);
    const svg = lineChart({ ...spec, xLabels: days, series: [{ name: 's', values: days.map(() => 1), color: '#000' }] });
    const shown = texts(svg).filter((t) => /^d\d+$/.test(t!));
    expect(shown.length).toBeLessThanOrEqual(9);
    expect(shown.at(-1)).toBe('d31');
  });

  it('renders empty data and a single day without NaN', () => {
    for (const svg of [lineChart({ ...spec, xLabels: [], series: [] }), lineChart({ ...spec, xLabels: ['12-01'], series: [{ name: 's', values: [3], color: '#000' }] })]) {
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
    expect(attr(lineChart({ ...spec, xLabels: ['12-01'], series: [{ name: 's', values: [3], color: '#000' }] }), 'circle', 'cx')).toHaveLength(1);
  });

  it('escapes day labels and series names', () => {
    const svg = lineChart({ ...spec, xLabels: ['<b>'], series: [{ name: '"&"', values: [1], color: '#000' }] });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).toContain('&quot;&amp;&quot;');
  });
});
