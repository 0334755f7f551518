import { afterEach, describe, expect, it } from 'vitest';
import { createCallAdmission, type CallAdmission } from '../../../src/adapters/esl/callAdmission.js';

interface FakeCall {
  id: number;
  destroyed: boolean;
}

describe('call admission reports throttling (faxengine_inbound_call_admission_deferrals_total)', () => {
  let admission: CallAdmission<FakeCall> | undefined;
  afterEach(() => admission?.stop());

  it('a burst over maxCallsPerSecond is deferred for rate; a single call on an idle server is not', async () => {
    const deferred: string[] = [];
    const admitted: number[] = [];
    admission = createCallAdmission<FakeCall>({
      setupConcurrency: 100,
      maxCallsPerSecond: 100, // two per 20 ms sample
      maxLoad: 1,
      onDeferred: (reason) => deferred.push(reason),
      admit: (call) => {
        admitted.push(call.id);
        admission!.finished();
      },
    });
    admission.offer({ id: 0, destroyed: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(deferred).toEqual([]);
    for (let id = 1; id <= 8; id++) admission.offer({ id, destroyed: false });
    const deadline = Date.now() + 10_000;
    while (admitted.length < 9 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(admitted).toHaveLength(9);
    expect(deferred.length).toBeGreaterThan(0);
    expect(new Set(deferred)).toEqual(new Set(['rate']));
  });
});
