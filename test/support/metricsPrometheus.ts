import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './freePort.js';
import { makeTempDir } from './tempDir.js';

/** A real Prometheus server (Debian package `prometheus`) scraping one target every second. */
export interface PrometheusServer {
  url: string;
  /** The value of a PromQL expression whose result is one sample, or undefined while it has none. */
  value(query: string): Promise<number | undefined>;
  /** Every sample of a PromQL expression, labels and value. */
  vector(query: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  /** Why the last scrape of the target failed, if it did ("" when it worked). */
  lastScrapeError(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** Throws (never skips) when a binary the metrics tests need is missing: CI installs it (.ci/setup --test). */
export function requireBinary(name: 'prometheus' | 'promtool'): void {
  const probe = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${name} is not installed (${probe.error?.message ?? probe.stderr}): install the Debian package "prometheus" (.ci/setup --test does)`);
  }
}

export async function startPrometheus(target: { host: string; port: number; bearerToken?: string }): Promise<PrometheusServer> {
  requireBinary('prometheus');
  const dir = makeTempDir('prometheus');
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: faxengine',
    ...(target.bearerToken ? ['    authorization:', '      type: Bearer', `      credentials: ${JSON.stringify(target.bearerToken)}`] : []),
    '    static_configs:',
    `      - targets: ["${target.host}:${target.port}"]`,
    '',
  ].join('\n');
  writeFileSync(join(dir.path, 'prometheus.yml'), config);
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
    return body.data;
  }
  async function vector(query: string) {
    const data = await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(query)}`);
    return data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    dir.remove();
  };

  // Ready when its API answers; a Prometheus that exits first (bad flag, busy port) says why.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      dir.remove();
      throw new Error(`prometheus exited with ${child.exitCode}: ${output}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready within 30 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    vector,
    async value(query) {
      const samples = await vector(query);
      return samples.length === 1 ? samples[0]!.value : undefined;
    },
    async lastScrapeError() {
      const data = await api<{ activeTargets: Array<{ lastError: string; health: string }> }>('/api/v1/targets');
      return data.activeTargets[0]?.lastError;
    },
    stop,
  };
}
