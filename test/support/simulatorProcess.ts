import { spawn } from 'node:child_process';
import type { SimulatorOptions } from '../../src/sim/simulator.js';
import { tsxLoader } from './tsxLoader.js';

/** Starts test/support/simulatorChild.ts; answers its ESL port and a close that waits for it to exit. */
export async function startSimulatorProcess(options: SimulatorOptions): Promise<{ eslPort: number; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, new URL('./simulatorChild.ts', import.meta.url).pathname, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const eslPort = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\d+)/.exec(output);
      if (ready) resolve(Number(ready[1]));
    });
    void exited.then(() => reject(new Error(`the simulator process exited before it was ready: ${output}`)));
  });
  return {
    eslPort,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
