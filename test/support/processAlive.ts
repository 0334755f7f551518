import { readFileSync } from 'node:fs';

/** Running or sleeping; a killed process whose parent died may linger as a zombie until init reaps it. */
export function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}
