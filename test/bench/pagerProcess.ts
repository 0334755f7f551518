import { spawn } from 'node:child_process';
import { tsxLoader } from '../support/tsxLoader.js';

export interface PagerReport {
  requests: number;
  laps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

/** Starts adminPagerChild.ts against `base` and answers once it pages; `stop()` answers its report. */
export async function startPager(base: string, authorization: string): Promise<{ stop(): Promise<PagerReport> }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, new URL('./adminPagerChild.ts', import.meta.url).pathname, base, authorization], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  while (!out.includes('paging')) {
    if (child.exitCode !== null) throw new Error('the pager exited before paging');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    async stop() {
      child.stdin.end('stop\n');
      await exited;
      return JSON.parse(out.split('\n').find((line) => line.startsWith('{')) ?? '{}') as PagerReport;
    },
  };
}
