/**
 * A minimal POSIX ustar writer: a 512-byte header per file, its bytes, zero padding to 512, and
 * two zero blocks at the end. Enough for `tar`, 7-Zip, Windows' and macOS' archive tools to read,
 * so an export needs nothing of ours to be opened.
 */
export const tarBlock = 512;

/** The header of one regular file. Throws when the path does not fit ustar's name + prefix fields. */
export function tarHeader(path: string, size: number, modified: Date): Uint8Array {
  const header = Buffer.alloc(tarBlock);
  const [prefix, name] = splitPath(path);
  header.write(name, 0, 100, 'utf8');
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, Math.floor(modified.getTime() / 1000));
  header.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  header.write('0', 156, 1, 'ascii'); // regular file
  header.write('ustar\u000000', 257, 8, 'binary');
  header.write('faxengine', 265, 32, 'utf8');
  header.write('faxengine', 297, 32, 'utf8');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  // Six octal digits, a NUL and a space, as tar itself writes it.
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'binary');
  return header;
}

/** Zeros that bring a file of `size` bytes to a whole number of blocks. */
export function tarPadding(size: number): Uint8Array {
  return Buffer.alloc((tarBlock - (size % tarBlock)) % tarBlock);
}

/** The end of an archive: two zero blocks. */
export const tarEnd = (): Uint8Array => Buffer.alloc(2 * tarBlock);

/** A whole small file (header, bytes, padding) as one chunk. */
export function tarFile(path: string, content: Uint8Array, modified: Date): Uint8Array {
  return Buffer.concat([tarHeader(path, content.length, modified), content, tarPadding(content.length)]);
}

function splitPath(path: string): [string, string] {
  const bytes = Buffer.byteLength(path);
  if (bytes <= 100) return ['', path];
  // The name is split at a slash into a prefix (≤ 155 bytes) and a name (≤ 100 bytes).
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return [prefix, name];
  }
  throw new RangeError(`tar: path too long for ustar: ${path}`);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  // length - 1 digits and a NUL; 8 GiB - 1 is the most a 12-byte size field holds.
  if (digits.length > length - 1) throw new RangeError(`tar: ${value} does not fit a ${length}-byte field`);
  header.write(`${digits.padStart(length - 1, '0')}\u0000`, offset, length, 'binary');
}
