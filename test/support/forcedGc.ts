import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** V8's full garbage collection, made callable in this process (a leak test needs it; vitest runs without --expose-gc). */
const gc = runInNewContext('gc') as () => void;

/** True once nothing keeps `ref`'s object alive: collected after full collections. */
export async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let round = 0; round < 5; round++) {
    // Let promise jobs that still hold it run first.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

/**
 * V8's heap in use after full collections, in bytes, without the compiled code: V8 keeps compiling
 * hot functions as a process warms up (several hundred KB over a long test), which is bounded by
 * the program, not by what it handles.
 */
export async function heapUsedAfterGc(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return getHeapSpaceStatistics()
    .filter((space) => !space.space_name.startsWith('code_'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

/**
 * The lowest heap after full collections, sampled after each of `samples` runs of `work`: a
 * window's floor, which moves with what the process keeps, not with what it is still collecting.
 */
export async function lowestHeapOver(samples: number, work: () => Promise<void>): Promise<number> {
  let lowest = Number.POSITIVE_INFINITY;
  for (let sample = 0; sample < samples; sample++) {
    await work();
    lowest = Math.min(lowest, await heapUsedAfterGc());
  }
  return lowest;
}
