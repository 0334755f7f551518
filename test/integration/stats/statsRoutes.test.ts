import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRebuiltReadModels } from '../../support/readModelRebuild.js';
import { startStatsHarness, type StatsHarness } from '../../support/statsHarness.js';
import { scriptedMix, sentFirstTry, stations, type TimedEvent } from '../../support/statsScript.js';
import { makeTempDir } from '../../support/tempDir.js';

/** Figures as the API answers them; `counts` fills what a case leaves out with zeros and nulls. */
function figures(counts: Partial<Record<string, unknown>> & { faxes: [total: number, inbound: number, outbound: number] }) {
  const [total, inbound, outbound] = counts.faxes;
  return {
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    successRate: null,
    pages: 0,
    pagesPerMinute: null,
    attempts: 0,
    attemptsPerSuccess: null,
    topFailureCauses: [],
    topAttemptFailureCauses: [],
    transport: { t38: 0, audio: 0, t38Share: null },
    fallbacks: { t38ToAudio: 0, stations: null },
    ...counts,
    faxes: { total, inbound, outbound },
  };
}
const causes = (...pairs: [string, number][]) => pairs.map(([cause, count]) => ({ cause, count }));
const transport = (t38: number, audio: number, t38Share: number | null) => ({ t38, audio, t38Share });

// Hand-computed from the script (test/support/statsScript.ts): G1 ×30 acme → s1 via gwA, T.38, 2 pages in 60 s;
// G2 ×10 acme → s2: busy on gwA, sent via gwB in audio, 1 page in 30 s; G3 ×10 globex → s3 via gwB: T.38 attempt
// fails after 1 page (30 s), fallback, audio attempt sends 3 pages in 90 s; G4 ×10 globex → s1 via gwA: 3 unanswered
// attempts, failed; G5 ×25 acme ← s2 via gwA, T.38, 4 pages in 75 s; G6 ×10 globex ← s3 via gwB, audio, 1 page in
// 30 s then page_transfer_failed; G7 ×5 acme ← s1 via gwB, no_fax_detected. Transfer time: G1 1800 s, G2 300, G3
// 1200, G5 1875, G6 300 = 5475 s for 220 pages.
const expected = {
  global: figures({
    faxes: [100, 40, 60],
    succeeded: 75,
    failed: 25,
    successRate: 0.75,
    pages: 220,
    pagesPerMinute: 2.41, // 220 pages / 91.25 min
    attempts: 100, // G1 30 + G2 20 + G3 20 + G4 30
    attemptsPerSuccess: 2, // 100 / 50 outbound sent
    topFailureCauses: causes(['noAnswer', 10], ['page_transfer_failed', 10], ['no_fax_detected', 5]),
    topAttemptFailureCauses: causes(['noAnswer', 30], ['busy', 10], ['pageTransferFailure', 10]),
    transport: transport(65, 30, 0.6842), // T.38: G1 30, G3 10, G5 25; audio: G2 10, G3 10, G6 10
    fallbacks: { t38ToAudio: 10, stations: 1 },
  }),
  gateways: [
    {
      gateway: 'gwA', // G1, G4, G5; G2's busy attempts only
      ...figures({
        faxes: [65, 25, 40],
        succeeded: 55,
        failed: 10,
        successRate: 0.8462,
        pages: 160,
        pagesPerMinute: 2.61, // 160 pages / (1800 + 1875 s)
        attempts: 70,
        attemptsPerSuccess: 2.33,
        topFailureCauses: causes(['noAnswer', 10]),
        topAttemptFailureCauses: causes(['noAnswer', 30], ['busy', 10]),
        transport: transport(55, 0, 1),
      }),
    },
    {
      gateway: 'gwB', // G2, G3, G6, G7
      ...figures({
        faxes: [35, 15, 20],
        succeeded: 20,
        failed: 15,
        successRate: 0.5714,
        pages: 60,
        pagesPerMinute: 2,
        attempts: 30,
        attemptsPerSuccess: 1.5,
        topFailureCauses: causes(['page_transfer_failed', 10], ['no_fax_detected', 5]),
        topAttemptFailureCauses: causes(['pageTransferFailure', 10]),
        transport: transport(10, 30, 0.25),
        fallbacks: { t38ToAudio: 10, stations: null },
      }),
    },
  ],
  stations: [
    {
      station: stations.s1, // G1, G4, G7 (caller signalled as `(444) 555-0101`)
      ...figures({
        faxes: [45, 5, 40],
        succeeded: 30,
        failed: 15,
        successRate: 0.6667,
        pages: 60,
        pagesPerMinute: 2,
        attempts: 60,
        attemptsPerSuccess: 2,
        topFailureCauses: causes(['noAnswer', 10], ['no_fax_detected', 5]),
        topAttemptFailureCauses: causes(['noAnswer', 30]),
        transport: transport(30, 0, 1),
        fallbacks: { t38ToAudio: 0, stations: 0 },
      }),
    },
    {
      station: stations.s2, // G2, G5 (caller signalled as national digits)
      ...figures({
        faxes: [35, 25, 10],
        succeeded: 35,
        successRate: 1,
        pages: 110,
        pagesPerMinute: 3.03, // 110 pages / (300 + 1875 s)
        attempts: 20,
        attemptsPerSuccess: 2,
        topAttemptFailureCauses: causes(['busy', 10]),
        transport: transport(25, 10, 0.7143),
        fallbacks: { t38ToAudio: 0, stations: 0 },
      }),
    },
    {
      station: stations.s3, // G3, G6, and the station fallback
      ...figures({
        faxes: [20, 10, 10],
        succeeded: 10,
        failed: 10,
        successRate: 0.5,
        pages: 50,
        pagesPerMinute: 2,
        attempts: 20,
        attemptsPerSuccess: 2,
        topFailureCauses: causes(['page_transfer_failed', 10]),
        topAttemptFailureCauses: causes(['pageTransferFailure', 10]),
        transport: transport(10, 20, 0.3333),
        fallbacks: { t38ToAudio: 10, stations: 1 },
      }),
    },
  ],
  acme: figures({
    faxes: [70, 30, 40], // G1, G2, G5, G7
    succeeded: 65,
    failed: 5,
    successRate: 0.9286,
    pages: 170,
    pagesPerMinute: 2.57, // 170 pages / 3975 s
    attempts: 50,
    attemptsPerSuccess: 1.25,
    topFailureCauses: causes(['no_fax_detected', 5]),
    topAttemptFailureCauses: causes(['busy', 10]),
    transport: transport(55, 10, 0.8462),
  }),
  globex: figures({
    faxes: [30, 10, 20], // G3, G4, G6
    succeeded: 10,
    failed: 20,
    successRate: 0.3333,
    pages: 50,
    pagesPerMinute: 2,
    attempts: 50,
    attemptsPerSuccess: 5,
    topFailureCauses: causes(['noAnswer', 10], ['page_transfer_failed', 10]),
    topAttemptFailureCauses: causes(['noAnswer', 30], ['pageTransferFailure', 10]),
    transport: transport(10, 20, 0.3333),
    fallbacks: { t38ToAudio: 10, stations: null },
  }),
  acmeGateways: [
    { gateway: 'gwA', ...figures({ faxes: [55, 25, 30], succeeded: 55, successRate: 1, pages: 160, pagesPerMinute: 2.61, attempts: 40, attemptsPerSuccess: 1.33, topAttemptFailureCauses: causes(['busy', 10]), transport: transport(55, 0, 1) }) },
    { gateway: 'gwB', ...figures({ faxes: [15, 5, 10], succeeded: 10, failed: 5, successRate: 0.6667, pages: 10, pagesPerMinute: 2, attempts: 10, attemptsPerSuccess: 1, topFailureCauses: causes(['no_fax_detected', 5]), transport: transport(0, 10, 0) }) },
  ],
};

const now = '2026-03-10T12:30:00.000Z';

describe('fax statistics: a scripted mix of 100 faxes through the HTTP API, before and after `projections rebuild`', () => {
  const dir = makeTempDir('stats');
  const rebuiltDir = join(dir.path, 'rebuilt');
  let h: StatsHarness;
  let acme: { id: string; auth: string };
  let globex: { id: string; auth: string };
  let initech: { id: string; auth: string };

  async function appendAll(events: TimedEvent[]): Promise<void> {
    let position = 0;
    for (const event of events) {
      h.at(event.at);
      ({ position } = await h.eventStore.append(event.stream, [{ type: event.type, data: event.data }]));
    }
    await h.readModels.runner.waitFor(position, 30_000);
  }
  async function get(path: string, authorization?: string): Promise<any> {
    const res = await h.get(path, authorization);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  beforeAll(async () => {
    h = await startStatsHarness(dir.path);
    h.at('2026-03-01T00:00:00Z');
    acme = await h.tenant('Acme', 'acme');
    globex = await h.tenant('Globex', 'globex');
    initech = await h.tenant('Initech', 'initech');
    await appendAll(scriptedMix(acme.id, globex.id));
    // Window edges, weeks later and in a tenant of their own: FaxSent comes 75 s after the start.
    const edge = Date.parse('2026-04-01T12:20:00Z');
    const sentAt = (offsetMs: number) => edge + offsetMs - 75_000;
    await appendAll([
      ...sentFirstTry('edge-24h-out', initech.id, stations.s1, sentAt(-86_400_000 - 10_000)),
      ...sentFirstTry('edge-24h-in', initech.id, stations.s1, sentAt(-86_400_000 + 10_000)),
      ...sentFirstTry('edge-1h-out', initech.id, stations.s2, sentAt(-3_600_000 - 30_000)),
      ...sentFirstTry('edge-1h-in', initech.id, stations.s2, sentAt(-3_600_000 + 30_000)),
    ]);
    h.now(now);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    dir.remove();
  });

  it('answers the hand-computed figures for everything, per gateway, per station and per tenant', async () => {
    const summary = await get('/v1/stats/summary?window=24h');
    expect(summary).toEqual({ window: '24h', from: '2026-03-09T12:30:00.000Z', to: now, tenantId: null, figures: expected.global });
    expect((await get('/v1/stats/summary?window=30d')).figures).toEqual(expected.global);
    expect((await get('/v1/stats/gateways?window=24h')).items).toEqual(expected.gateways);
    expect((await get('/v1/stats/stations?window=24h')).items).toEqual(expected.stations);
    expect((await get('/v1/stats/stations?window=24h&limit=2')).items).toEqual(expected.stations.slice(0, 2));
    expect((await get('/v1/stats/tenants?window=24h')).items).toEqual([
      { tenantId: acme.id, ...expected.acme },
      { tenantId: globex.id, ...expected.globex },
    ]);
  });

  it('answers per UTC day: the outbound faxes on the 9th, the inbound ones on the 10th', async () => {
    const daily = await get('/v1/stats/daily?from=2026-03-08&to=2026-03-11');
    expect(daily.items.map((item: { day: string }) => item.day)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11']);
    expect(daily.items[0]).toEqual({ day: '2026-03-08', ...figures({ faxes: [0, 0, 0], fallbacks: { t38ToAudio: 0, stations: 0 } }) });
    expect(daily.items[1]).toEqual({
      day: '2026-03-09',
      ...figures({
        faxes: [60, 0, 60],
        succeeded: 50,
        failed: 10,
        successRate: 0.8333,
        pages: 110,
        pagesPerMinute: 2,
        attempts: 100,
        attemptsPerSuccess: 2,
        topFailureCauses: causes(['noAnswer', 10]),
        topAttemptFailureCauses: causes(['noAnswer', 30], ['busy', 10], ['pageTransferFailure', 10]),
        transport: transport(40, 20, 0.6667),
        fallbacks: { t38ToAudio: 10, stations: 1 },
      }),
    });
    expect(daily.items[2]).toEqual({
      day: '2026-03-10',
      ...figures({
        faxes: [40, 40, 0],
        succeeded: 25,
        failed: 15,
        successRate: 0.625,
        pages: 110,
        pagesPerMinute: 3.03,
        topFailureCauses: causes(['page_transfer_failed', 10], ['no_fax_detected', 5]),
        transport: transport(25, 10, 0.7143),
        fallbacks: { t38ToAudio: 0, stations: 0 },
      }),
    });
    const gwB = await get('/v1/stats/daily?from=2026-03-09&to=2026-03-10&dimension=gateway&id=gwB');
    expect(gwB.items.map((item: { faxes: { total: number } }) => item.faxes.total)).toEqual([20, 15]);
    const s2 = await get(`/v1/stats/daily?from=2026-03-09&to=2026-03-10&dimension=station&id=${encodeURIComponent(stations.s2)}`);
    expect(s2.items.map((item: { faxes: { total: number } }) => item.faxes.total)).toEqual([10, 25]);
    // A station is asked for as people type numbers.
    expect(await get(`/v1/stats/daily?from=2026-03-09&to=2026-03-10&dimension=station&id=${encodeURIComponent('(444) 555-0102')}`)).toEqual({ ...s2, id: stations.s2 });
    expect(s2.id).toBe(stations.s2);
  });

  it('counts a tenant user only its own faxes, and refuses another tenant as the other routes do', async () => {
    expect(await get('/v1/stats/summary?window=24h', acme.auth)).toEqual({ window: '24h', from: '2026-03-09T12:30:00.000Z', to: now, tenantId: acme.id, figures: expected.acme });
    expect((await get(`/v1/stats/summary?window=24h&tenantId=${acme.id}`, acme.auth)).figures).toEqual(expected.acme);
    expect((await get(`/v1/stats/summary?window=24h&tenantId=${globex.id}`)).figures).toEqual(expected.globex);
    expect((await get('/v1/stats/gateways?window=24h', acme.auth)).items).toEqual(expected.acmeGateways);
    // Globex's station s3 is not acme's; s1 and s2 count acme's faxes only (G1 + G7, G2 + G5).
    const acmeStations = (await get('/v1/stats/stations?window=24h', acme.auth)).items;
    expect(acmeStations.map((item: { station: string; faxes: { total: number } }) => [item.station, item.faxes.total])).toEqual([
      [stations.s1, 35],
      [stations.s2, 35],
    ]);
    expect(acmeStations.every((item: { fallbacks: { stations: unknown } }) => item.fallbacks.stations === null)).toBe(true);
    expect((await get(`/v1/stats/daily?from=2026-03-10&to=2026-03-10&dimension=tenant&id=${acme.id}`, acme.auth)).items[0].faxes).toEqual({ total: 30, inbound: 30, outbound: 0 });

    for (const path of [
      `/v1/stats/summary?window=24h&tenantId=${globex.id}`,
      `/v1/stats/gateways?window=24h&tenantId=${globex.id}`,
      `/v1/stats/stations?window=24h&tenantId=${globex.id}`,
      `/v1/stats/daily?from=2026-03-09&to=2026-03-10&dimension=tenant&id=${globex.id}`,
      `/v1/stats/daily?from=2026-03-09&to=2026-03-10&tenantId=${globex.id}`,
    ]) {
      const res = await h.get(path, acme.auth);
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('"faxes"');
    }
    expect((await h.get('/v1/stats/tenants?window=24h', acme.auth)).status).toBe(403);
    expect((await h.get('/v1/stats/summary?window=24h', null)).status).toBe(401);
  });

  it('counts a window to the second: a fax just outside the last hour or day is not counted', async () => {
    h.now('2026-04-01T12:20:00.000Z');
    try {
      const scope = `tenantId=${initech.id}`;
      const hour = (await get(`/v1/stats/summary?window=1h&${scope}`)).figures;
      expect(hour.faxes).toEqual({ total: 1, inbound: 0, outbound: 1 });
      expect([hour.attempts, hour.pages]).toEqual([1, 2]);
      expect((await get('/v1/stats/summary?window=1h')).figures.faxes.total).toBe(1);
      expect((await get(`/v1/stats/stations?window=1h&${scope}`)).items.map((item: { station: string }) => item.station)).toEqual([stations.s2]);
      const tenantsOf = async (window: string) => (await get(`/v1/stats/tenants?window=${window}`)).items.map((item: { tenantId: string; faxes: { total: number } }) => [item.tenantId, item.faxes.total]);
      expect(await tenantsOf('1h')).toEqual([[initech.id, 1]]);
      expect(await tenantsOf('24h')).toEqual([[initech.id, 3]]);
      expect((await get(`/v1/stats/summary?window=24h&${scope}`)).figures.faxes.total).toBe(3);
      expect((await get(`/v1/stats/summary?window=7d&${scope}`)).figures.faxes.total).toBe(4);
      // The scripted mix's last outbound fax ends at 22:59:20 on the 9th (its attempts 1 and 2 earlier): a window
      // starting at 22:59:15 holds its last attempt and its failure, and the 40 inbound faxes of the 10th.
      h.now('2026-03-10T22:59:15.000Z');
      const day = (await get('/v1/stats/summary?window=24h')).figures;
      expect(day.faxes).toEqual({ total: 41, inbound: 40, outbound: 1 });
      expect([day.attempts, day.topAttemptFailureCauses]).toEqual([1, causes(['noAnswer', 1])]);
      h.now('2026-03-10T22:59:25.000Z');
      expect((await get('/v1/stats/summary?window=24h')).figures.faxes).toEqual({ total: 40, inbound: 40, outbound: 0 });
      expect((await get('/v1/stats/summary?window=1h')).figures.faxes.total).toBe(0);
    } finally {
      h.now(now);
    }
  });

  it('refuses bad input with a 422 that names the field', async () => {
    for (const [path, field] of [
      ['/v1/stats/summary?window=2h', 'window'],
      ['/v1/stats/daily?from=2026-03-10&to=2026-03-09', 'to'],
      ['/v1/stats/daily?from=2025-01-01&to=2026-03-09', 'to'],
      ['/v1/stats/daily?from=2026-03-09&to=2026-03-10&dimension=gateway', 'id'],
      ['/v1/stats/daily?from=2026-3-9&to=2026-03-10', 'from'],
      ['/v1/stats/daily?from=2026-02-31&to=2026-03-10', 'from'],
      ['/v1/stats/tenants?window=30d&limit=0', 'limit'],
    ] as const) {
      const res = await h.get(path);
      expect(res.status, path).toBe(422);
      expect(res.body.field, path).toBe(field);
    }
  });

  it('leaves every statistic unchanged after `projections rebuild` (the real command, in a child process)', async () => {
    const paths = [
      '/v1/stats/summary?window=24h',
      '/v1/stats/summary?window=30d',
      '/v1/stats/gateways?window=24h',
      '/v1/stats/stations?window=30d',
      '/v1/stats/tenants?window=24h',
      '/v1/stats/daily?from=2026-03-01&to=2026-04-02',
      '/v1/stats/daily?from=2026-03-01&to=2026-04-02&dimension=station&id=%2B14445550103',
    ];
    const answers = async () => {
      const found = [];
      for (const path of paths) found.push(await get(path));
      return found;
    };
    const before = await answers();
    const beforeAcme = await get('/v1/stats/stations?window=24h', acme.auth);
    expect(before[0].figures).toEqual(expected.global);
    await h.close();
    expect(await compareRebuiltReadModels(dir.path, rebuiltDir, 90_000)).toEqual([]);

    h = await startStatsHarness(rebuiltDir);
    h.now(now);
    expect(await answers()).toEqual(before);
    expect(await get('/v1/stats/stations?window=24h', acme.auth)).toEqual(beforeAcme);
  }, 120_000);
});
