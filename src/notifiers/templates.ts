import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaxSummary } from '../domain/notifications/faxSummary.js';
import type { EmailTopic } from '../domain/notifications/notificationPlan.js';

export type TemplatePart = 'subject' | 'body';

/** The built-in texts; an operator overrides any of them with `<templatesDir>/<topic>.<part>.txt`. */
export const defaultTemplates: Record<`${EmailTopic}.${TemplatePart}`, string> = {
  'received.subject': 'Fax from {{from}} to {{to}} ({{pages}} pages){{partialSubject}}',
  'received.body': [
    'You have received a fax.',
    '',
    'From:    {{fromDisplay}}',
    'To:      {{to}}',
    'Pages:   {{pages}}',
    'Time:    {{time}}',
    'Result:  {{result}}',
    '{{partialNote}}',
    '{{attachmentNote}}',
    '{{consoleNote}}',
    '',
    'Fax ID: {{faxId}}',
    '',
  ].join('\n'),
  'sent.subject': 'Fax to {{to}} sent ({{pages}} pages)',
  'sent.body': ['Your fax was sent.', '', 'From:     {{from}}', 'To:       {{to}}', 'Pages:    {{pages}}', 'Time:     {{time}}', 'Attempts: {{attempts}}', 'Result:   {{result}}', '{{attachmentNote}}', '', 'Fax ID: {{faxId}}', ''].join('\n'),
  'failed.subject': 'Fax to {{to}} failed',
  'failed.body': ['Your fax could not be sent.', '', 'From:     {{from}}', 'To:       {{to}}', 'Pages:    {{pages}}', 'Time:     {{time}}', 'Attempts: {{attempts}}', 'Result:   {{result}}', '{{attachmentNote}}', '', 'Fax ID: {{faxId}}', ''].join('\n'),
};

/** `{{name}}` → the variable's value; unknown names stay as written, so a typo shows in the message. */
export function renderTemplate(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (whole, name: string) => variables[name] ?? whole);
}

/**
 * Subject and body for a notification: the operator's file when there is one (read on every use,
 * so edits apply without a restart), else the built-in text. Blank lines left by empty optional
 * variables (e.g. `{{partialNote}}` on a complete fax) are dropped.
 */
export function createTemplates(templatesDir: string | undefined) {
  async function source(topic: EmailTopic, part: TemplatePart): Promise<string> {
    if (templatesDir) {
      try {
        return await readFile(join(templatesDir, `${topic}.${part}.txt`), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return defaultTemplates[`${topic}.${part}`];
  }
  return {
    async render(topic: EmailTopic, variables: Readonly<Record<string, string>>): Promise<{ subject: string; body: string }> {
      const subject = renderTemplate(await source(topic, 'subject'), variables).replace(/\s+/g, ' ').trim();
      const body = renderTemplate(await source(topic, 'body'), variables).replace(/\n(?:[ \t]*\n)+(?=[ \t]*\n)/g, '\n');
      return { subject, body };
    },
  };
}

export type Templates = ReturnType<typeof createTemplates>;

/** The variables every template can use; `consoleUrl` is the fax's console page, given instead of the document (`link` privacy option). */
export function templateVariables(summary: FaxSummary, attached: boolean, consoleUrl?: string): Record<string, string> {
  const partial = summary.partial;
  return {
    faxId: summary.faxId,
    tenantId: summary.tenantId ?? '',
    direction: summary.direction,
    status: summary.status,
    from: summary.from || 'unknown',
    fromName: summary.fromName ?? '',
    fromDisplay: summary.fromName ? `${summary.fromName} <${summary.from}>` : summary.from || 'unknown',
    to: summary.to,
    pages: String(summary.pages),
    time: readableTime(summary.time),
    isoTime: summary.time,
    result: summary.result,
    remoteIdent: summary.remoteIdent ?? '',
    attempts: summary.attempts === null ? '' : String(summary.attempts),
    partial: partial ? 'yes' : 'no',
    partialSubject: partial ? ' (partial)' : '',
    partialNote: partial ? `Note: this fax is incomplete. The call ended early and only ${summary.pages} page${summary.pages === 1 ? '' : 's'} arrived.` : '',
    attachmentNote: attached ? 'The fax is attached as a PDF.' : '',
    consoleUrl: consoleUrl ?? '',
    consoleNote: consoleUrl ? `View the fax in the fax console (sign-in required): ${consoleUrl}` : '',
  };
}

function readableTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
