import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A message as kcat's `-J` envelope shows it; headers become a name → value map. */
export interface KcatMessage {
  partition: number;
  offset: number;
  key: string | null;
  payload: string;
  headers: Record<string, string>;
}

/**
 * Reads the whole topic with kcat (librdkafka, a client that shares no code with faxengine),
 * polling until at least `atLeast` messages are there.
 */
export async function readTopicWithKcat(broker: string, topic: string, atLeast: number, timeoutMs = 30_000): Promise<KcatMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await run('kcat', ['-C', '-b', broker, '-t', topic, '-J', '-e', '-q', '-o', 'beginning'], {
      maxBuffer: 512 * 1024 * 1024,
      timeout: timeoutMs,
    });
    const messages = stdout
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map(parseEnvelope);
    if (messages.length >= atLeast || Date.now() > deadline) return messages;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function parseEnvelope(line: string): KcatMessage {
  const envelope = JSON.parse(line) as { partition: number; offset: number; key: string | null; payload: string; headers?: string[] };
  const headers: Record<string, string> = {};
  const pairs = envelope.headers ?? [];
  for (let index = 0; index + 1 < pairs.length; index += 2) headers[pairs[index]!] = pairs[index + 1]!;
  return { partition: envelope.partition, offset: envelope.offset, key: envelope.key, payload: envelope.payload, headers };
}
