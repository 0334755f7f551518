import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';
import type { CallControl } from '../ports/callControl.js';
import type { DocumentStore } from '../ports/documentStore.js';
import type { EventStore } from '../ports/eventStore.js';

/** An inbound fax whose stream does not yet say how the call ended. */
export interface OpenInboundFax {
  faxId: string;
  callUuid: string;
  tenantId: string | null;
  pages: number;
  spoolPath: string;
}

/**
 * After a restart no socket is left for calls that were in progress, so their faxes would stay
 * "receiving" forever. For each: ask FreeSWITCH whether the call still exists (and hang it up if
 * so: nobody is listening any more), keep whatever the spool file holds, and close the fax with
 * FaxReceiveInterrupted + FaxCallEnded. A fax whose stream already ends with FaxCallEnded is left
 * alone (so a retry after a partial run closes nothing twice), and the append expects the revision
 * that check read, so a fax that ends meanwhile fails the append instead of being closed twice.
 */
export async function reconcileInboundFaxes(deps: {
  open: readonly OpenInboundFax[];
  eventStore: EventStore;
  callControl: CallControl;
  documents: DocumentStore;
  clock: Clock;
  logger: Logger;
}): Promise<number> {
  let closed = 0;
  for (const fax of deps.open) {
    const log = deps.logger.child({ faxId: fax.faxId, callUuid: fax.callUuid });
    const [last] = await deps.eventStore.readStream(`fax-${fax.faxId}`, { direction: 'backwards', maxCount: 1 });
    if (!last || last.type === 'FaxCallEnded') continue;
    if (await deps.callControl.callExists(fax.callUuid)) {
      await deps.callControl.hangup(fax.callUuid, 'NORMAL_TEMPORARY_FAILURE');
    }
    const documentId = fax.pages > 0 && existsSync(fax.spoolPath) ? await storeQuietly(deps.documents, fax.spoolPath, log) : undefined;
    const at = deps.clock.now().toISOString();
    await deps.eventStore.append(
      `fax-${fax.faxId}`,
      [
        {
          type: 'FaxReceiveInterrupted',
          data: { faxId: fax.faxId, callUuid: fax.callUuid, tenantId: fax.tenantId ?? '', reason: 'restart', pagesReceived: fax.pages, ...(documentId ? { documentId } : {}), interruptedAt: at },
        },
        { type: 'FaxCallEnded', data: { faxId: fax.faxId, callUuid: fax.callUuid, hangupCause: 'FAXENGINE_RESTART', endedAt: at } },
      ].map((event) => ({ ...event, metadata: { correlationId: fax.faxId, callUuid: fax.callUuid, actor: 'reconciliation', ...(fax.tenantId ? { tenantId: fax.tenantId } : {}) } })),
      last.revision,
    );
    log.warn({ pages: fax.pages, kept: Boolean(documentId) }, 'closed a fax interrupted by a restart');
    closed += 1;
  }
  return closed;
}

async function storeQuietly(documents: DocumentStore, path: string, log: Logger): Promise<string | undefined> {
  try {
    return (await documents.putTiff(path)).id;
  } catch (error) {
    log.warn({ err: error, path }, 'the spool file of an interrupted fax could not be kept');
    return undefined;
  }
}
