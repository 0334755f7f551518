import type { PageSize, Resolution } from '../domain/outbound/outboundFaxEvents.js';

/** One document of a fax to send, on the local disk. */
export interface ConverterInput {
  path: string;
  /** The user's name for the file, used in errors shown to them. */
  name: string;
  contentType?: string;
}

/**
 * Turns the documents of a fax into the one fax TIFF that txfax sends. Implemented by
 * `adapters/documents/faxConversion` (ghostscript and libtiff child processes).
 */
export interface DocumentConverter {
  /**
   * Converts `inputs`, in order, into one TIFF at `outputPath`. A document that cannot be faxed
   * fails with a `DocumentConversionFailure` naming it, and leaves no files behind. Intermediate
   * files go to `workDir` when given (a folder of the caller's, which it removes).
   */
  convert(inputs: ConverterInput[], outputPath: string, options: { resolution: Resolution; pageSize: PageSize; timeoutMs?: number; workDir?: string }): Promise<{ path: string; pages: number }>;
}

/** Why a user's document cannot be faxed (the adapter's `DocumentConversionError`). */
export interface DocumentConversionFailure extends Error {
  name: 'DocumentConversionError';
  fileName: string;
  reason: string;
}

export function isDocumentConversionFailure(error: unknown): error is DocumentConversionFailure {
  return error instanceof Error && error.name === 'DocumentConversionError' && typeof (error as Partial<DocumentConversionFailure>).fileName === 'string';
}
