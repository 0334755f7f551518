import { performance } from 'node:perf_hooks';
import type { DocumentConverter } from '../../ports/documentConverter.js';
import type { Metrics } from '../../ports/metrics.js';

/** The document converter with its duration and failures measured. */
export function meteredConverter(converter: DocumentConverter, metrics: Metrics): DocumentConverter {
  return {
    async convert(inputs, outputPath, options) {
      const started = performance.now();
      try {
        const result = await converter.convert(inputs, outputPath, options);
        metrics.observe('conversionDuration', (performance.now() - started) / 1000, { result: 'ok' });
        return result;
      } catch (error) {
        metrics.observe('conversionDuration', (performance.now() - started) / 1000, { result: 'failed' });
        metrics.count('conversionFailures');
        throw error;
      }
    },
  };
}
