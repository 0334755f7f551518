import type { MetricLabels } from '../../ports/metrics.js';
import type { MetricDefinition } from './metricDefinitions.js';

export interface FastCounter {
  inc(labels: MetricLabels | undefined, value: number): void;
  /** The family in Prometheus's text format (HELP, TYPE, one line per label set). */
  render(): string;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/**
 * A counter family that renders itself. prom-client formats every series anew at each scrape
 * (about 7 µs a series: 400 ms for 10,000 tenants' label sets); here each label set's text is
 * built once, when it first appears, and a scrape only joins lines.
 */
export function createFastCounter(definition: MetricDefinition): FastCounter {
  const names = definition.labelNames;
  const series = new Map<string, { prefix: string; value: number }>();
  // An unlabelled counter is shown from the start, at 0.
  if (names.length === 0) series.set('', { prefix: `${definition.name} `, value: 0 });
  const header = `# HELP ${definition.name} ${escapeHelp(definition.help)}\n# TYPE ${definition.name} counter\n`;
  return {
    inc(labels, value) {
      if (!(value >= 0)) throw new Error(`${definition.name}: a counter only goes up (got ${value})`);
      let key = '';
      for (const name of names) key += `${labels?.[name] ?? ''}\u0000`;
      let entry = series.get(key);
      if (!entry) {
        const pairs = names.map((name) => `${name}="${escapeLabel(labels?.[name] ?? '')}"`).join(',');
        entry = { prefix: names.length === 0 ? `${definition.name} ` : `${definition.name}{${pairs}} `, value: 0 };
        series.set(key, entry);
      }
      entry.value += value;
    },
    render() {
      let text = header;
      for (const entry of series.values()) text += `${entry.prefix}${entry.value}\n`;
      return text;
    },
  };
}
