/** An e-mail to send; attachments are given as bytes (documents are never left plain on disk). */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  /** Stable per notification (`<id@host>`), so a resent copy can be recognised as the same message. */
  messageId: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

/** What the mail server said when it took the message. */
export interface MailReceipt {
  accepted: string[];
  rejected: string[];
  /** The server's final reply, e.g. `250 2.0.0 Ok: queued as 4F2`. */
  response: string;
}

/**
 * Sends e-mail through a mail server (SMTP, `adapters/smtp`). Rejects with `MailError` when the
 * server refused or could not be reached; `permanent` tells a 5xx refusal from a passing one.
 */
export interface Mailer {
  send(message: MailMessage): Promise<MailReceipt>;
  close(): void;
}

export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    message: string,
    /** True for 5xx replies: sending the same message again cannot succeed. */
    readonly permanent: boolean,
    /** The SMTP reply code, when the server gave one. */
    readonly code?: number,
  ) {
    super(message);
  }
}
