import type { Logger } from 'pino';
import { ConfigError } from './config/loadConfig.js';
import type { ReloadableKeyRing } from './adapters/crypto/reloadableKeyRing.js';
import { ConflictError, ValidationError } from './domain/errors.js';
import type { ReencryptableStore } from './ports/atRestData.js';
import type { Metrics } from './ports/metrics.js';
import { encryptionStatus, refusalOf, type EncryptionStatus } from './domain/encryptionStatus.js';
import { startReencryption } from './reactors/reencryption.js';
import type { ReactorRunner } from './reactors/leasedReactor.js';

export interface AtRestEncryption {
  /** Counts every store now. */
  status(): Promise<EncryptionStatus>;
  /**
   * Loads the key ring again (key file, config): new data is sealed under its current key at once
   * and the re-encryption starts. Refused (ConflictError, the ring unchanged) when the new ring
   * lacks a key that still seals items; ValidationError when the keys cannot be loaded.
   */
  reload(): Promise<EncryptionStatus>;
  close(): Promise<void>;
}

/**
 * Part of the composition root: key rotation without downtime. The re-encryption runs on one
 * instance of the cluster (lease `reactor-reencryption`); every instance answers the status, keeps
 * the gauge `faxengine_encryption_items_under_old_keys{store}` and reloads its ring on SIGHUP or
 * `POST /v1/admin/encryption/reload`.
 */
export function startAtRestEncryption(deps: {
  keyRing: ReloadableKeyRing;
  /** Every store sealed under the ring (documents, page images, per-fax keys…). */
  stores: () => readonly ReencryptableStore[];
  /** `encryption.documents`: plain items count as left to re-encrypt. */
  sealsDocuments: boolean;
  ratePerSecond: number;
  run: ReactorRunner;
  logger: Logger;
  metrics: Metrics;
}): AtRestEncryption {
  const log = deps.logger.child({ component: 'encryption' });
  let last: EncryptionStatus | undefined;
  let job: { wake(): void } | undefined;

  const counts = () => Promise.all(deps.stores().map(async (store) => ({ name: store.name, byKey: await store.countByKey() })));
  const status = async () => (last = encryptionStatus(deps.keyRing, await counts(), deps.sealsDocuments, new Date()));
  const refresh = () =>
    status().catch((error: unknown) => {
      log.warn({ err: error }, 'could not count the items sealed at rest');
      return undefined;
    });

  deps.metrics.gauge('encryptionItemsUnderOldKeys', () => (last?.stores ?? []).map(({ name, underOldKeys }) => [{ store: name }, underOldKeys] as const));
  const reactor = deps.run('reencryption', async () => {
    const started = startReencryption({ stores: deps.stores, ratePerSecond: deps.ratePerSecond, logger: deps.logger, onPass: () => void refresh() });
    job = started;
    return started;
  });
  // Not a reason to refuse the start (counting every file would delay each start): said loudly
  // in the log and by the status route, and a reload that would drop such a key is refused.
  void refresh().then((counted) => {
    for (const missing of counted?.missingKeys ?? []) {
      log.error({ key: missing.key, store: missing.store, items: missing.items }, `key ${missing.key} is not in the key ring but still seals ${missing.items} items of ${missing.store}: they cannot be read until the key is put back`);
    }
  });

  return {
    status,
    async reload() {
      const before = await counts();
      try {
        deps.keyRing.reload((next) => {
          const why = refusalOf(next, before);
          if (why) throw new ConflictError(`key ring not reloaded: ${why}`);
        });
      } catch (error) {
        if (error instanceof ConfigError) throw new ValidationError('encryption', `key ring not reloaded: ${error.message}`);
        throw error;
      }
      log.info({ currentKey: deps.keyRing.currentKeyId, keys: deps.keyRing.keyIds }, 'key ring reloaded');
      job?.wake();
      return status();
    },
    close: () => reactor.stop(),
  };
}
