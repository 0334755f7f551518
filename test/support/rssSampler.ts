/**
 * Samples this process's resident memory every few milliseconds until stopped: `growth` is the
 * highest sample less the first, what a burst of requests served in this process cost at most.
 * Streaming itself costs up to ~64 MB: every socket read is a new buffer, and V8 collects
 * buffers only once that much external memory has built up.
 */
export function sampleRss(everyMs = 5) {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { baselineMb: Math.round(baseline / 2 ** 20), peakMb: Math.round(peak / 2 ** 20), growthMb: Math.round((peak - baseline) / 2 ** 20) };
    },
  };
}
