import type { PlannedNotification } from '../domain/notifications/notificationPlan.js';
import type { DocumentStore } from '../ports/documentStore.js';
import { MailError, type Mailer } from '../ports/mailer.js';
import { failed, type AttemptOutcome } from './attemptOutcome.js';
import { templateVariables, type Templates } from './templates.js';

export interface EmailNotificationDeps {
  /** Undefined when no mail server is configured: e-mail notifications are then dead-lettered as `not_configured`. */
  mailer: Mailer | undefined;
  templates: Templates;
  documents: DocumentStore;
  /** Right-hand side of Message-IDs, e.g. the configured sender's domain. */
  messageIdDomain: string;
  /** The fax's page in the web console (behind sign-in): what a `link`-mode e-mail gives instead of the document. */
  consoleUrlOf?(faxId: string): string;
}

/** One attempt at an e-mail notification: summary text from the templates, the fax as PDF attached when asked (or a console link instead). */
export async function sendEmailNotification(deps: EmailNotificationDeps, notification: PlannedNotification): Promise<AttemptOutcome> {
  const target = notification.ref.target;
  if (target.channel !== 'email') throw new Error('not an e-mail notification');
  const topic = notification.topic;
  if (topic !== 'received' && topic !== 'sent' && topic !== 'failed') throw new Error(`no e-mail is written for ${topic}`);
  if (!deps.mailer) return failed('not_configured', 'no SMTP server configured (smtp.host or smtp.url)', true);

  const { summary } = notification;
  let attachment: { filename: string; content: Buffer; contentType: string } | undefined;
  if (notification.attachDocument && summary.documentId) {
    try {
      attachment = { filename: `fax-${summary.faxId}.pdf`, content: await deps.documents.read(summary.documentId, 'application/pdf'), contentType: 'application/pdf' };
    } catch (error) {
      return failed('document_unavailable', `document ${summary.documentId}: ${(error as Error).message}`, false);
    }
  }
  // `link` privacy option: no attachment and no download link, only the console page.
  const consoleUrl = notification.documentMode === 'console' ? deps.consoleUrlOf?.(summary.faxId) : undefined;
  const { subject, body } = await deps.templates.render(topic, templateVariables(summary, attachment !== undefined, consoleUrl));
  try {
    const receipt = await deps.mailer.send({
      to: target.to,
      subject,
      text: body,
      // The same for every attempt, so a copy that got through before a lost reply is recognisable.
      messageId: `<${notification.ref.notificationId}@${deps.messageIdDomain}>`,
      ...(attachment ? { attachments: [attachment] } : {}),
    });
    return { ok: true, detail: { response: receipt.response, accepted: receipt.accepted, rejected: receipt.rejected } };
  } catch (error) {
    if (error instanceof MailError) return failed(error.permanent ? 'smtp_permanent' : 'smtp_transient', error.message, error.permanent, error.code);
    return failed('network', (error as Error).message, false);
  }
}

/** `faxengine <fax@example.com>` → `example.com`. */
export function domainOf(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'faxengine';
}
