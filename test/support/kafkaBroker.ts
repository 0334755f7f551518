import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const kafkaDir = new URL('../kafka/', import.meta.url).pathname;
const sharedAddressFile = `${kafkaDir}.run/address`;

/**
 * The broker the integration tests share: `FAXENGINE_TEST_KAFKA_BROKERS` (comma-separated), else
 * the one `test/kafka/start.sh` started (`.ci/setup --test` does). Throws when there is neither, so
 * the Kafka tests fail rather than skip on a machine that lost its broker.
 */
export function testKafkaBrokers(): string[] {
  const fromEnv = process.env.FAXENGINE_TEST_KAFKA_BROKERS?.trim();
  if (fromEnv) return fromEnv.split(',').map((broker) => broker.trim());
  if (existsSync(sharedAddressFile)) return [readFileSync(sharedAddressFile, 'utf8').trim()];
  throw new Error('no Kafka broker for the tests: run `bash test/kafka/start.sh` (or set FAXENGINE_TEST_KAFKA_BROKERS)');
}

export interface DedicatedBroker {
  address: string;
  /** Stops the broker process; its data stays for `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A broker of the test's own in `runDir`, for tests that stop and restart it (the shared broker
 * must stay up for the other test files running at the same time).
 */
export async function startDedicatedBroker(runDir: string): Promise<DedicatedBroker> {
  const start = async () => (await run('bash', [`${kafkaDir}start.sh`, runDir], { timeout: 180_000 })).stdout.trim();
  const address = await start();
  return {
    address,
    stop: async () => void (await run('bash', [`${kafkaDir}stop.sh`, runDir], { timeout: 60_000 })),
    start: async () => void (await start()),
  };
}
