// Apart from smtpMailer.ts, so a server without SMTP can tell so without loading nodemailer.

export interface SmtpSettings {
  url?: string;
  host?: string;
  port: number;
  /** TLS from the first byte (465); otherwise STARTTLS when offered. */
  secure: boolean;
  /** Fail unless STARTTLS succeeds. */
  requireTls: boolean;
  user?: string;
  password?: string;
  from: string;
  timeoutMs: number;
}

/** Whether the settings name a mail server at all. */
export const smtpConfigured = (settings: SmtpSettings): boolean => Boolean(settings.url ?? settings.host);
