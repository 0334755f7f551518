import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DocumentConversionError } from './documentConversionError.js';
import { documentToFaxTiff, type FaxPages } from './documentToFaxTiff.js';
import { faxPageGeometry, type FaxPageSize, type FaxResolution } from './ghostscriptCommands.js';
import { createProcessPool, type ProcessPool } from './processPool.js';
import { readTiffStructure } from './tiffStructure.js';

export { DocumentConversionError, type ConversionFailureReason } from './documentConversionError.js';

export interface ConversionOptions {
  resolution: FaxResolution;
  pageSize: FaxPageSize;
  /** Most time any one step (one ghostscript or libtiff run) may take; overrides the converter's default. */
  timeoutMs?: number;
  /**
   * Where intermediate files go: a folder of the caller's, which it removes (the submission's own).
   * Without it the converter makes a folder in `tempDir` when a document needs one.
   */
  workDir?: string;
}

export interface InputDocument {
  path: string;
  /** The user's name for the file, used in errors shown to them. */
  name: string;
  /** What the sender claimed; informational only, the bytes decide. */
  contentType?: string;
}

export interface ConvertedDocument {
  /** One multi-page TIFF-F (G4, 1728 px wide, 204×196 or 204×98 dpi). */
  path: string;
  pages: number;
}

/** Turns the documents of a fax to send into the one TIFF that FreeSWITCH's txfax transmits. */
export interface DocumentConverter {
  /**
   * Converts `inputs`, in order, into a TIFF at `outputPath`. Fails with a
   * `DocumentConversionError` naming the first unusable document; then neither `outputPath` nor
   * any temporary file is left behind.
   */
  convert(inputs: InputDocument[], outputPath: string, options: ConversionOptions): Promise<ConvertedDocument>;
}

export interface DocumentConverterOptions {
  /** Where intermediate files go when the caller gives no `workDir`: a folder of their own in it, removed afterwards. */
  tempDir: string;
  /** How many conversion processes may run at once across all conversions; defaults to the CPU count. */
  concurrency?: number;
  /** Default for `ConversionOptions.timeoutMs`. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * A converter that does its work in ghostscript and libtiff child processes, a bounded number at
 * a time, so the event loop only moves file names around. Documents of one fax convert in
 * parallel; a single document is rendered straight into the output, so it costs one ghostscript run.
 */
export function createDocumentConverter(options: DocumentConverterOptions): DocumentConverter {
  const pool: ProcessPool = createProcessPool({ concurrency: options.concurrency ?? availableParallelism() });

  return {
    async convert(inputs, outputPath, conversion) {
      if (inputs.length === 0) throw new RangeError('a fax needs at least one document to convert');
      const timeoutMs = conversion.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      // Made only when needed: a single PDF, the usual fax, renders straight into the output, and
      // every folder made and removed is several file-system calls on the event loop's thread pool.
      let ownWorkDir: Promise<string> | undefined;
      const makeOwnWorkDir = async () => {
        await mkdir(options.tempDir, { recursive: true });
        return mkdtemp(join(options.tempDir, 'conversion-'));
      };
      const workDir = async () => conversion.workDir ?? (await (ownWorkDir ??= makeOwnWorkDir()));
      // Written beside the output and renamed into place, so a reader never sees half a TIFF.
      const partial = join(dirname(outputPath), `.${basename(outputPath)}.${randomUUID()}.partial`);
      try {
        const geometry = faxPageGeometry(conversion.resolution, conversion.pageSize);
        const single = inputs.length === 1;
        const parts = await allOrFirstFailure(
          inputs.map((input, index) => async (signal: AbortSignal) => {
            const label = `document-${index}`;
            const destination = single ? partial : join(await workDir(), `${label}.tif`);
            return documentToFaxTiff(input, destination, { pool, geometry, workDir, label, timeoutMs, signal });
          }),
        );
        if (single) {
          if (parts[0]!.kept) await copyFile(parts[0]!.path, partial);
        } else {
          await concatenate(parts, partial, inputs, timeoutMs);
        }
        const pages = single ? parts[0]!.pages : (await readTiffStructure(partial)).pages;
        await rename(partial, outputPath);
        return { path: outputPath, pages };
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      } finally {
        if (ownWorkDir) await ownWorkDir.then((dir) => rm(dir, { recursive: true, force: true }), () => undefined);
      }
    },
  };

  async function concatenate(parts: FaxPages[], target: string, inputs: InputDocument[], timeoutMs: number): Promise<void> {
    // tiffcp copies G3/G4 strips without re-encoding them, so kept fax pages stay byte for byte;
    // `-x` renumbers the PageNumber tags of the joined pages.
    const result = await pool.run('tiffcp', ['-x', ...parts.map((part) => part.path), target], { timeoutMs });
    if (result.timedOut) throw new DocumentConversionError(inputs.map((input) => input.name).join(', '), 'timeout');
    if (result.exitCode !== 0) throw new Error(`tiffcp could not join the fax pages: ${result.stderr.trim()}`);
  }
}

/**
 * Runs the tasks together. The first failure aborts the others (killing their processes), and is
 * thrown once all of them have stopped, so nothing is still writing when the caller cleans up.
 */
async function allOrFirstFailure<T>(tasks: Array<(signal: AbortSignal) => Promise<T>>): Promise<T[]> {
  const controller = new AbortController();
  const settled = await Promise.allSettled(
    tasks.map((task) =>
      task(controller.signal).catch((error: unknown) => {
        if (!controller.signal.aborted) controller.abort(error);
        throw error;
      }),
    ),
  );
  if (controller.signal.aborted) throw controller.signal.reason;
  return settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
}
