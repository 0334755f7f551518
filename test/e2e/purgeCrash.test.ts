import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCrashRestartHarness, until } from '../support/crashRestartHarness.js';

const CALLERS = ['5550000101', '5550000102', '5550000103', '5550000104', '5550000105', '5550000106'];

describe('purges across a SIGKILL of faxengine', () => {
  let harness: Awaited<ReturnType<typeof startCrashRestartHarness>> | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('a restart finishes every purge asked for before the kill: each fax purged once, its documents gone', async () => {
    // One purge a second: the kill finds some faxes purged and others still waiting.
    harness = await startCrashRestartHarness({
      timeScale: 0.002,
      env: { FAXENGINE_RECORDS_PURGE_RATE: '1' },
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: Object.fromEntries(CALLERS.map((caller, index) => [caller, { pages: 1 + (index % 2), ident: `CALLER ${index}` }])) },
    });
    const h = harness;
    const { user } = await h.provision();
    for (const from of CALLERS) await h.sim.startInboundCall({ from, to: '15551230000', gateway: 'carrier1' }).finished;
    let faxes: Array<{ faxId: string; documentId: string; ended: boolean }> = [];
    await until('six faxes received and over', async () => {
      faxes = (await h.call('GET', '/v1/faxes')).items;
      return faxes.length === CALLERS.length && faxes.every((fax) => fax.ended && fax.documentId);
    }, 60_000);
    const documentFiles = (documentId: string) => {
      const sha = documentId.replace('sha256-', '');
      const dir = join(h.dir, 'documents', sha.slice(0, 2));
      return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith(sha)) : [];
    };
    expect(faxes.every((fax) => documentFiles(fax.documentId).length > 0)).toBe(true);

    for (const fax of faxes) expect(await h.call('POST', `/v1/faxes/${fax.faxId}/purge`, undefined, user)).toEqual({ id: fax.faxId, purge: 'pending' });
    const purgedCount = async () => (await Promise.all(faxes.map(async (fax) => (await h.types(fax.faxId)).includes('FaxPurged')))).filter(Boolean).length;
    await until('a first fax purged', async () => (await purgedCount()) >= 1, 30_000);
    await h.kill();
    const beforeRestart = await purgedCount();
    expect(beforeRestart).toBeLessThan(faxes.length);
    // A kill between a purge's steps: one waiting fax's documents already deleted, its FaxPurged not yet stored.
    const waiting = [];
    for (const fax of faxes) if (!(await h.types(fax.faxId)).includes('FaxPurged')) waiting.push(fax);
    for (const name of documentFiles(waiting[0]!.documentId)) rmSync(join(h.dir, 'documents', name.slice(0, 2), name));
    expect(documentFiles(waiting[0]!.documentId)).toEqual([]);

    await h.restart();
    await until('every fax purged after the restart', async () => (await purgedCount()) === faxes.length, 60_000);
    for (const fax of faxes) {
      const types = await h.types(fax.faxId);
      expect(types.filter((type) => type === 'FaxPurgeRequested')).toHaveLength(1);
      expect(types.filter((type) => type === 'FaxPurged')).toHaveLength(1);
      expect(documentFiles(fax.documentId)).toEqual([]);
    }
  }, 180_000);
});

