import { describe, expect, it } from 'vitest';
import { createReactorLag } from '../../../src/adapters/metrics/reactorLag.js';
import { heapUsedAfterGc } from '../../support/forcedGc.js';

const lags = (lag: ReturnType<typeof createReactorLag>) => Object.fromEntries([...lag.read()].map(([labels, value]) => [labels.reactor, value]));

describe('reactor lag', () => {
  it("counts the events of a reactor's streams appended past its position, not positions", () => {
    let relay = 0;
    let projections = 0;
    const lag = createReactorLag();
    lag.track('fax-relay', ['fax-'], () => relay);
    lag.track('projections', ['tenant-', 'fax-'], () => projections);
    lag.appended('fax-1', 3, 10);
    lag.appended('tenant-1', 1, 11);
    lag.appended('station-+1555', 1, 12);
    // KurrentDB positions are log offsets: far apart, one event.
    lag.appended('fax-2', 1, 5000);
    expect(lags(lag)).toEqual({ 'fax-relay': 4, projections: 5 });
    relay = 12;
    projections = 11;
    expect(lags(lag)).toEqual({ 'fax-relay': 1, projections: 1 });
    relay = 5000;
    projections = 5000;
    expect(lags(lag)).toEqual({ 'fax-relay': 0, projections: 0 });
  });

  it('keeps only what its reactors have not processed, also when nobody reads the gauge', async () => {
    let position = 0;
    const lag = createReactorLag();
    for (let reactor = 0; reactor < 7; reactor++) lag.track(`reactor-${reactor}`, ['fax-'], () => position);
    const appendProcessed = (count: number) => {
      for (let index = 0; index < count; index++) {
        position += 1;
        lag.appended('fax-1', 1, position);
      }
    };
    appendProcessed(2_000);
    const before = await heapUsedAfterGc();
    appendProcessed(98_000);
    // Tracking every append (7 × 98,000 entries) took 50 MB; processed ones now go as it goes.
    expect((await heapUsedAfterGc()) - before).toBeLessThan(1_000_000);
    // A reactor that falls behind is still counted.
    lag.appended('fax-2', 2, position + 1);
    lag.appended('fax-3', 1, position + 2);
    expect(lags(lag)['reactor-0']).toBe(3);
  });
});
