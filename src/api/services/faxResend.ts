import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { FaxDocumentPreparedData, FaxQueuedData, Submitter } from '../../domain/outbound/outboundFaxEvents.js';
import { faxStream } from '../../domain/streams.js';
import type { Clock } from '../../ports/clock.js';
import type { DocumentStore } from '../../ports/documentStore.js';
import { WrongExpectedRevisionError, type EventStore } from '../../ports/eventStore.js';
import type { FaxSubmissionDeps, OutboundFaxControl } from './faxSubmission.js';
import { prepareFields } from './submissionFields.js';

export type FaxResendDeps = Pick<FaxSubmissionDeps, 'lookupNumber' | 'outboundGateways' | 'outboundWebhooks' | 'tenantSettings' | 'defaultCountry' | 'newFaxId'> & {
  eventStore: EventStore;
  documents: DocumentStore;
  control: Pick<OutboundFaxControl, 'queued'>;
  clock: Clock;
  logger: Logger;
};

export interface FaxResend {
  /**
   * Queues a new outbound fax with an earlier one's document and settings (from, to, resolution,
   * page size, header, ident, policy, notifications), checked again as a submission is: the number
   * must still be the tenant's and have a gateway. `tenantId` undefined = the admin (any tenant);
   * another tenant's fax is not found. Answers the new fax's id. With a `requestKey` (a form's,
   * made when it was shown), the same request twice — a double click, a reload — makes one fax:
   * its id comes from the original's and the key, and the second append finds it stored.
   */
  resend(faxId: string, tenantId: string | undefined, by: Submitter, requestKey?: string): Promise<{ faxId: string }>;
}

/**
 * Resending appends the same FaxQueued + FaxDocumentPrepared pair a submission does, naming the
 * stored document (content-addressed, so nothing is converted or copied again).
 */
export function createFaxResend(deps: FaxResendDeps): FaxResend {
  return {
    async resend(faxId, tenantId, by, requestKey) {
      const [first, second] = await deps.eventStore.readStream(faxStream(faxId), { maxCount: 2 });
      const original = first?.type === 'FaxQueued' ? (first.data as FaxQueuedData) : undefined;
      if (!original || (tenantId !== undefined && original.tenantId !== tenantId)) throw new NotFoundError(`outbound fax ${faxId} not found`);
      const prepared = second?.type === 'FaxDocumentPrepared' ? (second.data as FaxDocumentPreparedData) : undefined;
      if (original.relayOf) throw new ConflictError(`fax ${faxId} relays a received fax; resend the received fax's relay instead`);
      const document = prepared && (await deps.documents.get(prepared.documentId));
      if (!document) throw new ConflictError(`fax ${faxId} has no stored document any more; nothing to resend`);

      const fields = prepareFields(
        {
          tenantId: original.tenantId,
          to: original.to,
          from: original.from,
          resolution: original.resolution,
          pageSize: original.pageSize,
          ...definedOnly({
            callerIdName: original.callerIdName,
            headerText: original.headerText,
            stationIdent: original.stationIdent,
            policy: original.policy,
            webhookUrl: original.webhookUrl,
            notifyEmails: original.notify?.emails,
            notifyMode: original.notify?.mode,
          }),
        },
        { defaultCountry: deps.defaultCountry, lookup: deps.lookupNumber, outboundGateways: deps.outboundGateways, outboundWebhooks: deps.outboundWebhooks, tenantSettings: deps.tenantSettings },
      );
      const newId = requestKey === undefined ? (deps.newFaxId ?? randomUUID)() : resendFaxId(faxId, requestKey);
      const { asked: _asked, ...settings } = fields;
      const queued: FaxQueuedData = { faxId: newId, direction: 'outbound', ...settings, files: original.files, submittedBy: by, queuedAt: deps.clock.now().toISOString() };
      const metadata = { tenantId: fields.tenantId, correlationId: newId, causationId: first!.id, resendOf: faxId };
      try {
        await deps.eventStore.append(
          faxStream(newId),
          [
            { type: 'FaxQueued', data: queued, metadata },
            { type: 'FaxDocumentPrepared', data: { faxId: newId, documentId: document.id, pages: document.pages } satisfies FaxDocumentPreparedData, metadata },
          ],
          'no_stream',
        );
      } catch (error) {
        // The same request came before: its fax is the answer, and nothing is queued twice.
        if (requestKey !== undefined && error instanceof WrongExpectedRevisionError) return { faxId: newId };
        throw error;
      }
      try {
        deps.control.queued(newId);
      } catch (error) {
        // Stored, so queued: the runtime finds it when it next looks at the queue.
        deps.logger.error({ err: error, faxId: newId }, 'the outbound runtime refused a resent fax');
      }
      deps.logger.info({ faxId: newId, resendOf: faxId, tenantId: fields.tenantId }, 'fax resent');
      return { faxId: newId };
    },
  };
}

/** A resend's fax id, the same for the same original and request key (a UUID, version bits set as v4's). */
function resendFaxId(faxId: string, requestKey: string): string {
  const hex = createHash('sha256').update(`resend\n${faxId}\n${requestKey}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
