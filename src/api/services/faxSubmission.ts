import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Route } from '../../../projections/routingQueries.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { defaultRetentionMs } from '../../domain/outbound/idempotencyClaim.js';
import type { FaxDocumentPreparedData, FaxQueuedData, PageSize, Resolution, Submitter } from '../../domain/outbound/outboundFaxEvents.js';
import { faxStream } from '../../domain/streams.js';
import type { Clock } from '../../ports/clock.js';
import { isDocumentConversionFailure, type DocumentConverter } from '../../ports/documentConverter.js';
import type { DocumentStore } from '../../ports/documentStore.js';
import type { EventStore } from '../../ports/eventStore.js';
import { createIdempotencyClaims } from './idempotencyClaims.js';
import { prepareFields, type FieldContext, type PreparedFields, type SubmissionFields } from './submissionFields.js';
import { stageFiles, type FileLimits, type StagedFile, type SubmissionFile } from './submissionFiles.js';
import { spoolFilesIn, type SpoolFiles } from './spoolFiles.js';
import { fingerprintOf } from './submissionFingerprint.js';

export type { SubmissionFields } from './submissionFields.js';
export type { SubmissionFile } from './submissionFiles.js';

/** What the submission path needs from the outbound runtime. */
export interface OutboundFaxControl {
  /** Called after FaxQueued+FaxDocumentPrepared are stored: dispatch it now. */
  queued(faxId: string): void;
  /** Cancels a queued/waiting fax, or hangs up its call. */
  cancel(faxId: string, by: Submitter): Promise<'cancelled' | 'finished' | 'notFound'>;
}

export interface SubmissionLimits extends FileLimits {
  maxPages: number;
  /** Most time one conversion step may take. */
  conversionTimeoutMs: number;
}

export interface FaxSubmissionRequest extends SubmissionFields {
  submittedBy: Submitter;
  /** In order: the fax is their pages one after the other. */
  files: SubmissionFile[];
  idempotencyKey?: string;
}

/** The answer to a submission, the same when an `Idempotency-Key` replays it. */
export interface FaxSubmissionResult {
  faxId: string;
  tenantId: string;
  status: 'queued';
  to: string;
  from: string;
  pages: number;
  documentId: string;
  resolution: Resolution;
  pageSize: PageSize;
  queuedAt: string;
  /** True when this answer repeats an earlier submission with the same key and request. */
  replayed: boolean;
}

export interface FaxSubmissionDeps {
  eventStore: EventStore;
  documents: DocumentStore;
  converter: DocumentConverter;
  /** The routing read model: which tenant a number belongs to and its settings. */
  lookupNumber: (e164: string) => Route | undefined;
  /** Upstream gateways a number sends through: none, and its faxes are refused (422). */
  outboundGateways: (tenantId: string, numberId: string) => readonly string[];
  /** Webhook endpoints subscribed to the tenant's sent faxes, and the tenant's settings (`notifyOn`): see `FieldContext`. */
  outboundWebhooks?: FieldContext['outboundWebhooks'];
  tenantSettings?: FieldContext['tenantSettings'];
  control: OutboundFaxControl;
  clock: Clock;
  defaultCountry: string;
  defaultPageSize?: PageSize;
  limits: SubmissionLimits;
  /** Uploads and conversions in progress: each request's and submission's files under a prefix of their own, always removed. */
  tempDir: string;
  logger: Logger;
  /** After this long without its fax stored, an `Idempotency-Key` claim counts as abandoned. Default: 2 × conversion timeout + 1 min. */
  claimStaleAfterMs?: number;
  newFaxId?: () => string;
}

export interface FaxSubmission {
  /** The documents' limits, for a caller that receives uploads: it stops reading at them. */
  readonly fileLimits: FileLimits;
  /** Files in the submission temp dir for one request's uploads; the caller removes them. */
  createUploadSpool(): Promise<SpoolFiles>;
  /** Validates, converts and stores the documents, then queues the fax (403/413/422/409 as typed errors). */
  submit(request: FaxSubmissionRequest): Promise<FaxSubmissionResult>;
  /** Cancels an outbound fax; `tenantId` undefined = the admin (any tenant). Another tenant's fax is not found. */
  cancel(faxId: string, tenantId: string | undefined, by: Submitter): Promise<{ faxId: string; status: 'cancelled' }>;
}

/** The submission service behind `POST /v1/faxes`, the original's `POST /fax/send` and `DELETE /v1/faxes/{id}`. */
export function createFaxSubmission(deps: FaxSubmissionDeps): FaxSubmission {
  const { eventStore, limits } = deps;
  const spoolIn = spoolFilesIn(deps.tempDir);
  const claims = createIdempotencyClaims({
    eventStore,
    clock: deps.clock,
    times: { retentionMs: defaultRetentionMs, staleAfterMs: deps.claimStaleAfterMs ?? 2 * limits.conversionTimeoutMs + 60_000 },
  });

  async function createFax(faxId: string, fields: PreparedFields, files: StagedFile[], request: FaxSubmissionRequest, spool: SpoolFiles, fence: () => Promise<void>): Promise<FaxSubmissionResult> {
    const converted = await convert(files, spool.path('fax.tif'), fields);
    if (converted.pages > limits.maxPages) {
      throw new ValidationError('file', `the documents make ${converted.pages} pages; at most ${limits.maxPages} per fax (submission.maxPages)`, { pages: converted.pages });
    }
    // The converted file is what the call sends next: the store keeps it as the plain copy for txfax.
    const document = await deps.documents.putTiff(converted.path, { handOver: true });
    await fence();
    const { asked: _asked, ...settings } = fields;
    const queued: FaxQueuedData = {
      faxId,
      direction: 'outbound',
      ...settings,
      files: files.map(({ name, contentType, bytes }) => ({ name, contentType, bytes })),
      submittedBy: request.submittedBy,
      ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
      queuedAt: deps.clock.now().toISOString(),
    };
    const prepared: FaxDocumentPreparedData = { faxId, documentId: document.id, pages: document.pages };
    const metadata = { tenantId: fields.tenantId, correlationId: faxId };
    await eventStore.append(faxStream(faxId), [{ type: 'FaxQueued', data: queued, metadata }, { type: 'FaxDocumentPrepared', data: prepared, metadata }], 'no_stream');
    try {
      deps.control.queued(faxId);
    } catch (error) {
      // The fax is stored, so it is queued: the runtime finds it when it next looks at the queue.
      deps.logger.error({ err: error, faxId }, 'the outbound runtime refused a new fax');
    }
    deps.logger.info({ faxId, tenantId: fields.tenantId, pages: document.pages, files: files.length }, 'fax queued');
    return resultOf(queued, prepared, false);
  }

  async function convert(files: StagedFile[], output: string, fields: PreparedFields) {
    try {
      const inputs = files.map(({ path, name, contentType }) => ({ path, name, contentType }));
      return await deps.converter.convert(inputs, output, { resolution: fields.resolution, pageSize: fields.pageSize, timeoutMs: limits.conversionTimeoutMs });
    } catch (error) {
      if (!isDocumentConversionFailure(error)) throw error;
      throw new ValidationError('file', error.message, { fileName: error.fileName, reason: error.reason });
    }
  }

  async function replay(faxId: string): Promise<FaxSubmissionResult> {
    const [queued, prepared] = await eventStore.readStream(faxStream(faxId), { maxCount: 2 });
    if (queued?.type !== 'FaxQueued' || prepared?.type !== 'FaxDocumentPrepared') throw new Error(`fax ${faxId} does not start with FaxQueued, FaxDocumentPrepared`);
    return resultOf(queued.data as FaxQueuedData, prepared.data as FaxDocumentPreparedData, true);
  }

  return {
    fileLimits: { maxFiles: limits.maxFiles, maxFileBytes: limits.maxFileBytes, maxTotalBytes: limits.maxTotalBytes },

    createUploadSpool: () => spoolIn('upload-'),

    async submit(request) {
      const fields = prepareFields(request, {
        defaultCountry: deps.defaultCountry,
        defaultPageSize: deps.defaultPageSize,
        lookup: deps.lookupNumber,
        outboundGateways: deps.outboundGateways,
        outboundWebhooks: deps.outboundWebhooks,
        tenantSettings: deps.tenantSettings,
      });
      const spool = await spoolIn('submission-');
      try {
        const files = await stageFiles(request.files, (index) => spool.path(`upload-${index}`), limits);
        const faxId = (deps.newFaxId ?? randomUUID)();
        const create = (fence: () => Promise<void>) => createFax(faxId, fields, files, request, spool, fence);
        if (request.idempotencyKey === undefined) return await create(async () => undefined);
        const claim = { tenantId: fields.tenantId, key: request.idempotencyKey, fingerprint: fingerprintOf(fields.asked, files), faxId };
        return await claims.run(claim, create, replay);
      } finally {
        await spool.remove();
      }
    },

    async cancel(faxId, tenantId, by) {
      const [first] = await eventStore.readStream(faxStream(faxId), { maxCount: 1 });
      const queued = first?.type === 'FaxQueued' ? (first.data as FaxQueuedData) : undefined;
      if (!queued || (tenantId !== undefined && queued.tenantId !== tenantId)) throw new NotFoundError(`outbound fax ${faxId} not found`);
      const outcome = await deps.control.cancel(faxId, by);
      if (outcome === 'finished') throw new ConflictError(`fax ${faxId} has already finished; there is nothing to cancel`);
      if (outcome === 'notFound') throw new NotFoundError(`outbound fax ${faxId} not found`);
      return { faxId, status: 'cancelled' };
    },
  };
}

function resultOf(queued: FaxQueuedData, prepared: FaxDocumentPreparedData, replayed: boolean): FaxSubmissionResult {
  const { faxId, tenantId, to, from, resolution, pageSize, queuedAt } = queued;
  return { faxId, tenantId, status: 'queued', to, from, pages: prepared.pages, documentId: prepared.documentId, resolution, pageSize, queuedAt, replayed };
}
