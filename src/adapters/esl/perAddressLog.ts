/**
 * Logs each address at most once per `intervalMs`, so a flood of connections (refused, silent, resetting) cannot
 * flood the log. Remembers at most `maxAddresses` addresses; past that, new ones are counted but
 * not logged until the interval has passed.
 */
export function createPerAddressLog(options: {
  log(address: string, occurrencesSinceLastLog: number): void;
  intervalMs?: number;
  maxAddresses?: number;
  now?: () => number;
}): (address: string) => void {
  const intervalMs = options.intervalMs ?? 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { loggedAt: number; count: number }>();
  return (address) => {
    const at = now();
    const entry = seen.get(address);
    if (entry && at - entry.loggedAt < intervalMs) {
      entry.count += 1;
      return;
    }
    if (!entry && seen.size >= maxAddresses) {
      // Forget the addresses whose interval is over; if all are recent, stay quiet.
      for (const [known, { loggedAt }] of seen) if (at - loggedAt >= intervalMs) seen.delete(known);
      if (seen.size >= maxAddresses) return;
    }
    seen.set(address, { loggedAt: at, count: 0 });
    options.log(address, (entry?.count ?? 0) + 1);
  };
}
