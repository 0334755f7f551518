import { describe, expect, it } from 'vitest';
import { createReactorLag } from '../../../src/adapters/metrics/reactorLag.js';

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
});
