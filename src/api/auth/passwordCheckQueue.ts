/** Thrown when the queue is full: the caller answers 503 instead of piling up work. */
export class PasswordCheckQueueFull extends Error {
  constructor() {
    super('too many password checks waiting');
  }
}

export type PasswordCheck = (password: string, hash: string) => Promise<boolean>;

/**
 * Bounds the scrypt work running at once. scrypt runs on libuv's thread pool, which file I/O
 * shares: unbounded, a password spray fills the pool and every file read (received faxes, the
 * spool) waits behind it. Checks from addresses with no recent failure go first, so a valid
 * user does not queue behind an attacker.
 */
export function createPasswordCheckQueue(options: { verify: PasswordCheck; concurrency: number; maxQueued: number }) {
  let running = 0;
  const clean: Array<() => void> = [];
  const suspect: Array<() => void> = [];

  async function slot(priority: boolean): Promise<void> {
    if (running < options.concurrency) {
      running++;
      return;
    }
    if (clean.length + suspect.length >= options.maxQueued) throw new PasswordCheckQueueFull();
    // The finished check hands its slot over, so `running` stays as it is.
    await new Promise<void>((resolve) => (priority ? clean : suspect).push(resolve));
  }

  function done(): void {
    const next = clean.shift() ?? suspect.shift();
    if (next) next();
    else running--;
  }

  /** `priority`: the request's address has no recent failure. */
  return async function check(password: string, hash: string, priority = false): Promise<boolean> {
    await slot(priority);
    try {
      return await options.verify(password, hash);
    } finally {
      done();
    }
  };
}

export type QueuedPasswordCheck = ReturnType<typeof createPasswordCheckQueue>;
