// Child process of the benches: an admin (or any) client that pages GET /v1/faxes?limit=50, following
// nextCursor to the end of the list and then starting again from the first page, one request at
// a time, until "stop" arrives on stdin. A process of its own so its work never shares the event
// loop it is measuring. Prints "paging" once started, then one JSON line when stopped:
// {requests, laps, p50Ms, p99Ms, maxMs, errors}.
// Usage: tsx test/bench/adminPagerChild.ts <base-url> <authorization header value> [limit]
const [base, authorization, limitText] = process.argv.slice(2) as [string, string, string | undefined];
const limit = Number(limitText ?? 50);

let stopped = false;
process.stdin.once('data', () => (stopped = true));
const latencies: number[] = [];
let laps = 0;
let errors = 0;
let cursor: string | null = null;
process.stdout.write('paging\n');
while (!stopped) {
  const started = performance.now();
  try {
    const response = await fetch(`${base}/v1/faxes?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization } });
    const page = (await response.json()) as { nextCursor?: string | null };
    latencies.push(performance.now() - started);
    if (response.status !== 200) errors++;
    cursor = page.nextCursor ?? null;
    if (cursor === null) laps++;
  } catch {
    errors++;
    cursor = null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
latencies.sort((a, b) => a - b);
const at = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN) * 10) / 10;
process.stdout.write(`${JSON.stringify({ requests: latencies.length, laps, p50Ms: at(50), p99Ms: at(99), maxMs: at(100), errors })}\n`);
process.exit(0);
