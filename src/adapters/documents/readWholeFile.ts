import { closeSync, fstatSync, openSync, read } from 'node:fs';

/**
 * A whole file, read with one step on the thread pool. `fs.promises.readFile` takes four (open,
 * fstat, read, close), each a hand-over to a pool thread and back, and each waiting behind the
 * fsyncs the event store and the document store queue there: for a 60 KB fax TIFF in the page
 * cache that was about 300 µs of a document request's 600, against about 130 µs this way. Opening,
 * sizing and closing are metadata calls of microseconds, done on the event loop (as the document
 * store's fsyncs do); only the read of the bytes, which may have to wait for the disk, goes to the
 * pool.
 */
export function readWholeFile(path: string, whileReading?: () => void): Promise<Buffer> {
  return readFileHead(path, Number.POSITIVE_INFINITY, whileReading);
}

/**
 * The first `most` bytes of a file (fewer if it is shorter), read the same way. `whileReading`
 * runs on the event loop once the file is open and the pool thread has its read: work that need
 * not wait for the bytes overlaps with reading them.
 */
export async function readFileHead(path: string, most: number, whileReading?: () => void): Promise<Buffer> {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = Math.min(most, fstatSync(fd).size);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const buffer = Buffer.allocUnsafeSlow(size);
  const reading = new Promise<Buffer>((resolve, reject) => {
    const readFrom = (offset: number): void => {
      if (offset === size) return finish(undefined, buffer);
      read(fd, buffer, offset, size - offset, offset, (error, bytesRead) => {
        if (error) return finish(error);
        // A short read ends only at the end of the file (one shrunk since fstat: what is there).
        if (bytesRead === 0) return finish(undefined, buffer.subarray(0, offset));
        readFrom(offset + bytesRead);
      });
    };
    const finish = (error: Error | undefined, bytes?: Buffer): void => {
      try {
        closeSync(fd);
      } catch (closeError) {
        error ??= closeError as Error;
      }
      if (error) reject(error);
      else resolve(bytes!);
    };
    readFrom(0);
  });
  try {
    whileReading?.();
  } catch (error) {
    // The read goes on and closes the file; its outcome is no longer wanted.
    reading.catch(() => undefined);
    throw error;
  }
  return await reading;
}
