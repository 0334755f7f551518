/** Where a command prints: lines to stdout and to stderr (tests pass their own). */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CommandIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** Bad command-line input: the command prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
