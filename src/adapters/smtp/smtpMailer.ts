import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { MailError, type Mailer } from '../../ports/mailer.js';
import type { SmtpSettings } from './smtpSettings.js';

export { smtpConfigured, type SmtpSettings } from './smtpSettings.js';

/**
 * The Mailer on an SMTP server through nodemailer (STARTTLS/TLS, AUTH). One connection per message:
 * notifications are few, and a fresh connection never carries a half-broken session into the next.
 */
export function createSmtpMailer(settings: SmtpSettings): Mailer {
  const options: SMTPTransport.Options = {
    ...(settings.url ? urlOptions(settings.url) : { host: settings.host, port: settings.port, secure: settings.secure }),
    requireTLS: settings.requireTls,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
  };
  const transport = createTransport(options);

  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: message.messageId,
          attachments: message.attachments,
        });
        return { accepted: info.accepted.map(addressText), rejected: info.rejected.map(addressText), response: info.response };
      } catch (error) {
        throw toMailError(error);
      }
    },
    close: () => transport.close(),
  };
}

function urlOptions(url: string): SMTPTransport.Options {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
  };
}

/** 5xx replies are permanent; 4xx replies, timeouts and broken connections pass. */
function toMailError(error: unknown): MailError {
  const { message, responseCode, code } = error as { message?: string; responseCode?: number; code?: string };
  const text = `${code ? `${code}: ` : ''}${message ?? String(error)}`;
  return new MailError(text, responseCode !== undefined && responseCode >= 500, responseCode);
}

const addressText = (address: string | { address: string }) => (typeof address === 'string' ? address : address.address);
