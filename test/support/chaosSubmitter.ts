import Database from 'better-sqlite3';
import { openSealedData } from './sealedEventData.js';
import { join } from 'node:path';
import type { SubmissionRecord } from './chaosInvariants.js';
import type { PlannedSend } from './chaosWorkload.js';

/**
 * The API client of the fault-injection test: submits each planned fax with `POST /v1/faxes` and
 * remembers what became of it. A POST that died with the server is looked for after the restart,
 * as a careful client would, and submitted again only if no fax was stored for it.
 */
export class ChaosSubmitter {
  readonly records: SubmissionRecord[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly options: {
      url: () => string;
      authorization: () => string;
      documents: ReadonlyMap<string, Uint8Array>;
      dataDir: string;
      seed: number;
    },
  ) {}

  submit(send: PlannedSend): void {
    const record: SubmissionRecord = { number: send.number, round: send.round };
    const attempt = this.records.filter((other) => other.number === send.number).length + 1;
    this.records.push(record);
    const name = `${send.pages}.${send.format}`;
    const form = new FormData();
    form.append('file', new Blob([this.options.documents.get(name)!], { type: send.format === 'pdf' ? 'application/pdf' : 'image/tiff' }), name);
    form.append('to', `+${send.number}`);
    form.append('from', '5551230000');
    const encoded = new Response(form);
    const headers = {
      authorization: this.options.authorization(),
      'idempotency-key': `chaos-${this.options.seed}-${send.number}-${attempt}`,
      'content-type': encoded.headers.get('content-type')!,
    };
    // Told a moment after the POST went out (its body on the way), so a kill can land mid-request.
    setTimeout(() => this.listeners.forEach((listener) => listener()), 2);
    encoded
      .arrayBuffer()
      .then((body) =>
        fetch(this.options.url(), { method: 'POST', headers, body: trickled(new Uint8Array(body), pauseMs(this.options.seed, send.number)), duplex: 'half', signal: AbortSignal.timeout(60_000) } as RequestInit),
      )
      .then(async (res) => {
        if (res.status !== 202) return Object.assign(record, { outcome: 'refused', detail: `${res.status} ${await res.text()}` });
        const id = ((await res.json()) as { id: string }).id;
        return Object.assign(record, { outcome: 'accepted', faxId: id });
      })
      .catch((error: unknown) => Object.assign(record, { outcome: 'lost', detail: String(error) }));
  }

  /** Calls `listener` as each POST is under way; returns what stops it. */
  onSubmit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  inFlight(): string[] {
    return this.records.filter((record) => record.outcome === undefined).map((record) => `POST to +${record.number}`);
  }

  /** After a restart: sends again what was lost and never stored. */
  resubmitLost(plan: readonly PlannedSend[]): void {
    for (const record of this.records.filter((other) => other.outcome === 'lost' && !other.recovered)) {
      record.recovered = true;
      if (this.queuedTo(record.number) === 0) this.submit(plan.find((send) => send.number === record.number)!);
    }
  }

  // The event store, not the API: the read models may not have caught up with the last append.
  // `to` is sealed in the store (crypto-shredding): opened with the data dir's keys.
  private queuedTo(number: string): number {
    const db = new Database(join(this.options.dataDir, 'events.sqlite'), { readonly: true });
    try {
      const rows = db.prepare<[], { stream: string; data: string }>("SELECT stream, data FROM events WHERE type = 'FaxQueued'").all();
      return rows.filter((row) => openSealedData(this.options.dataDir, row.stream, JSON.parse(row.data)).to === `+${number}`).length;
    } finally {
      db.close();
    }
  }
}

/**
 * The body in two halves with a pause between them, as a client on a slow line sends it: a
 * submission stays in flight for a while, so a kill aimed at it (and at a call dialling meanwhile)
 * can land, and lands mid-upload. A whole body at once is in flight for a few milliseconds only:
 * a kill aimed at "submission and dialling" could wait out its deadline (seed 3191115114).
 */
function trickled(body: Uint8Array, pause: number): ReadableStream<Uint8Array> {
  const half = Math.floor(body.length / 2);
  let firstHalfSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!firstHalfSent) {
        firstHalfSent = true;
        controller.enqueue(body.subarray(0, half));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      controller.enqueue(body.subarray(half));
      controller.close();
    },
  });
}

/** 100–399 ms, the same for a number in every run of a seed. */
function pauseMs(seed: number, number: string): number {
  let hash = seed >>> 0;
  for (const char of number) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return 100 + (hash % 300);
}
