/**
 * A listener could not be bound (port in use, not allowed, not an address of this host). Start-up
 * stops before it touched the store or FreeSWITCH, and the command line prints this as one line
 * naming the configuration key and the address.
 */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    /** The configuration key that names the address, e.g. `http.listen`. */
    readonly key: string,
    readonly address: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${key} ${address} ${reasonOf(code)}`, options);
  }
}

function reasonOf(code: string | undefined): string {
  if (code === 'EADDRINUSE') return 'is already in use';
  if (code === 'EACCES') return 'cannot be used: permission denied';
  if (code === 'EADDRNOTAVAIL') return 'is not an address of this host';
  return `cannot be listened on (${code ?? 'unknown error'})`;
}

/** Runs a bind and turns its failure into a ListenError for `key`. */
export async function bindOrExplain<T>(key: string, address: string, bind: () => Promise<T>): Promise<T> {
  try {
    return await bind();
  } catch (error) {
    throw new ListenError(key, address, (error as NodeJS.ErrnoException | null)?.code, { cause: error });
  }
}
