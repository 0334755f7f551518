import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../../../src/sim/simulator.js';
import { startCli } from '../../support/cliProcess.js';
import { makeTempDir } from '../../support/tempDir.js';
import { freePort } from '../../support/freePort.js';

type Json = Record<string, any>;

describe('/readyz reports each dependency', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is 503 while FreeSWITCH’s event socket is unreachable, 200 once it is, 503 again when it goes; SMTP is reported, not required', async () => {
    const dir = makeTempDir('readiness');
    cleanups.push(dir.remove);
    const [eslPort, smtpPort] = [await freePort(), await freePort()];
    const cli = startCli(['serve'], {
      cwd: dir.path,
      env: {
        FAXENGINE_DATA_DIR: dir.path,
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${eslPort}`,
        FAXENGINE_SMTP_HOST: '127.0.0.1',
        FAXENGINE_SMTP_PORT: String(smtpPort),
        FAXENGINE_ADMIN_GENERATE_API_KEY: 'false',
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    const line = await cli.waitForLine((text) => text.includes('HTTP API listening'), 60_000);
    const port = Number((JSON.parse(line) as { address: string }).address.split(':').at(-1));
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Json };
    };
    const until = async (status: number) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const answer = await readyz();
        if (answer.status === status) return answer;
        if (Date.now() > deadline) throw new Error(`/readyz stayed ${answer.status}: ${JSON.stringify(answer.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.type).toBe('application/problem+json');
    expect(down.body).toMatchObject({
      status: 503,
      detail: expect.stringContaining('FreeSWITCH event socket'),
      dependencies: { eventStore: 'ok', freeswitchControl: 'unreachable', freeswitchDialer: 'unreachable', smtp: 'unreachable' },
    });

    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, scenario: {} });
    let simClosed = false;
    cleanups.push(() => (simClosed ? undefined : sim.close()));
    const up = await until(200);
    expect(up.body).toEqual({
      status: 'ready',
      eventStore: 'ok',
      dependencies: { eventStore: 'ok', freeswitchControl: 'ok', freeswitchDialer: 'ok', smtp: 'unreachable' },
    });

    await sim.close();
    simClosed = true;
    const lost = await until(503);
    expect(lost.body.dependencies).toMatchObject({ eventStore: 'ok', freeswitchControl: 'unreachable' });
  }, 120_000);
});
