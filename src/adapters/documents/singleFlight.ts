/**
 * One run per key at a time: a caller asking for a key whose work is under way gets the same
 * promise instead of starting it again (two requests for one rendering render once).
 */
export function createSingleFlight<T>(): (key: string, work: () => Promise<T>) => Promise<T> {
  const inProgress = new Map<string, Promise<T>>();
  return (key, work) => {
    let pending = inProgress.get(key);
    if (!pending) {
      pending = work().finally(() => inProgress.delete(key));
      inProgress.set(key, pending);
    }
    return pending;
  };
}
