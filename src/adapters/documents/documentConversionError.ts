/** Why a user's document could not become fax pages. */
export type ConversionFailureReason = 'empty' | 'corrupt' | 'encrypted' | 'unsupported' | 'timeout';

const explanations: Record<ConversionFailureReason, string> = {
  empty: 'the file is empty',
  corrupt: 'the file is damaged or not what its contents claim to be',
  encrypted: 'the PDF is password-protected',
  unsupported: 'this kind of file cannot be faxed (send PDF, TIFF, PNG or JPEG)',
  timeout: 'converting the file took too long',
};

/**
 * One of the user's documents could not be converted. It names the file by the name the user gave
 * it, so the message can be shown to them as it is; `detail` keeps what the tool said, for logs.
 */
export class DocumentConversionError extends Error {
  override readonly name = 'DocumentConversionError';

  constructor(
    readonly fileName: string,
    readonly reason: ConversionFailureReason,
    readonly detail?: string,
  ) {
    super(`${fileName}: ${explanations[reason]}`);
  }
}
