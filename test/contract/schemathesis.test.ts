import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.js';
import { startContractServer } from './contractServer.js';

// Installed by `.ci/setup --test` (pinned there); SCHEMATHESIS names another binary.
const binary = process.env.SCHEMATHESIS ?? join(homedir(), '.cache', 'faxengine-schemathesis', 'bin', 'schemathesis');
const config = join(import.meta.dirname, 'schemathesis.toml');

/**
 * Every check, `ignored_auth` included: it sends each operation wrong credentials and wants 401/403.
 * Dozens of wrong credentials from one address are a guessing attack the login limiter would answer
 * with 429, so the contract server lets this one client fail as often as it likes
 * (`auth.addressFreeFailures`, `auth.accountFreeFailures`); the limiter has its own tests in
 * test/integration/tenancy. Operations that also answer 422 to some requests the document allows,
 * for rules a JSON Schema cannot state, are listed with their reasons in schemathesis.toml.
 */
const checks = ['--checks', 'all'];

/** Runs schemathesis against the server's own OpenAPI document; answers its exit code and output. */
function schemathesis(base: string, authorization: string): Promise<{ code: number | null; output: string }> {
  const args = ['--config-file', config, 'run', `${base}/openapi.json`, ...checks, '-H', `Authorization: ${authorization}`, '--seed', '1', '--max-examples', '50', '--no-color'];
  return new Promise((resolve, reject) => {
    // In a directory of its own: schemathesis keeps a cache of past failures in `.schemathesis/`,
    // and each run here should start from the seed alone.
    const cwd = makeTempDir('schemathesis');
    const child = spawn(binary, args, { cwd: cwd.path, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => {
      cwd.remove();
      reject(error);
    });
    child.on('close', (code) => {
      cwd.remove();
      resolve({ code, output });
    });
  });
}

describe('the API matches its OpenAPI document (schemathesis, every check, deterministic seed)', () => {
  let server: Awaited<ReturnType<typeof startContractServer>>;
  beforeAll(async () => {
    if (!existsSync(binary)) throw new Error(`schemathesis not found at ${binary}: run \`bash .ci/setup --test\``);
    server = await startContractServer();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('as the admin', async () => {
    const { code, output } = await schemathesis(server.base, server.adminAuthorization);
    expect(code, output).toBe(0);
  }, 600_000);

  it("as a tenant user with an API key", async () => {
    const { code, output } = await schemathesis(server.base, server.tenantAuthorization);
    expect(code, output).toBe(0);
  }, 600_000);
});
