import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) of process `pid` itself, not its children, in milliseconds (/proc/<pid>/stat). */
export function cpuMsOf(pid: number, statPath = `/proc/${pid}/stat`): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the command name, which may hold spaces: utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * CPU milliseconds of process `pid` (all its threads, those that ended included) and of its main
 * thread alone, the event loop (/proc/<pid>/task/<pid>/stat).
 */
export function threadCpuMs(pid: number): { main: number; all: number } {
  return { main: cpuMsOf(pid, `/proc/${pid}/task/${pid}/stat`), all: cpuMsOf(pid) };
}

/** A line of /proc/<pid>/status in MB (`VmRSS` now, `VmHWM` the peak so far); NaN once the process is gone. */
export function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** Samples VmRSS of `pid` every `everyMs` until stopped; answers the highest sample (MB). */
export function sampleRssOf(pid: number, everyMs = 50) {
  let peak = statusMb(pid, 'VmRSS') || 0;
  const timer = setInterval(() => {
    const now = statusMb(pid, 'VmRSS');
    if (now > peak) peak = now;
  }, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      const now = statusMb(pid, 'VmRSS');
      return Number.isNaN(now) ? peak : Math.max(peak, now);
    },
  };
}

/** CPU milliseconds (themselves, not their children) of the node processes `pid` started: faxengine's spawn helper. */
export function nodeChildrenCpuMs(pid: number): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid && command === 'node') cpu.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // The process ended while it was being read.
    }
  }
  return cpu;
}

/** CPU the processes of `now` used since `before` (a process new since then counts from zero). */
export function cpuMsSince(before: Map<number, number>, now: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of now) sum += ms - (before.get(pid) ?? 0);
  return sum;
}
