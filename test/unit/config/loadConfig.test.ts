import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envNameFor, leafPaths } from '../../../src/config/envNames.js';
import { ConfigError, loadConfig } from '../../../src/config/loadConfig.js';
import { maskConfig } from '../../../src/config/maskConfig.js';
import { configSchema } from '../../../src/config/schema.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('configuration', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  function tempCwd(): string {
    const dir = makeTempDir('config');
    dirs.push(dir);
    return dir.path;
  }

  it('runs on the embedded defaults with no file and no variables', () => {
    const cwd = tempCwd();
    const { config, source } = loadConfig({ env: {}, cwd });
    expect(source).toBeUndefined();
    expect(config.dataDir).toBe(join(cwd, 'data'));
    expect(config.eventStore).toBe(`sqlite:${join(cwd, 'data', 'events.sqlite')}`);
    expect(config.http.listen).toBe('0.0.0.0:8080');
    expect(config.freeswitch).toEqual({ esl: '127.0.0.1:8021', password: 'ClueCon' });
    expect(config.socket.listen).toBe('127.0.0.1:8084');
    expect(config.kafka.brokers).toEqual([]);
    expect(config.log.level).toBe('info');
    expect(config.admin.apiKey).toBeUndefined();
  });

  it('derives an environment name for every key, including the documented ones', () => {
    const names = leafPaths(configSchema).map(envNameFor);
    for (const required of [
      'FAXENGINE_DATA_DIR',
      'FAXENGINE_HTTP_LISTEN',
      'FAXENGINE_EVENT_STORE',
      'FAXENGINE_LOG_LEVEL',
      'FAXENGINE_FREESWITCH_ESL',
      'FAXENGINE_FREESWITCH_PASSWORD',
      'FAXENGINE_SOCKET_LISTEN',
      'FAXENGINE_KAFKA_BROKERS',
      'FAXENGINE_LOKI_URL',
      'FAXENGINE_LOKI_USERNAME',
      'FAXENGINE_LOKI_PASSWORD',
      'FAXENGINE_LOKI_LABELS',
      'FAXENGINE_ADMIN_API_KEY',
    ]) {
      expect(names).toContain(required);
    }
  });

  it('lays the environment over the file, and reads lists and labels from text', () => {
    const cwd = tempCwd();
    const file = join(cwd, 'custom.json');
    writeFileSync(file, JSON.stringify({ http: { listen: '127.0.0.1:9000' }, log: { level: 'debug' }, freeswitch: { password: 'fromfile' } }));
    const { config, source } = loadConfig({
      cwd,
      env: {
        FAXENGINE_CONFIG: file,
        FAXENGINE_LOG_LEVEL: 'warn',
        FAXENGINE_KAFKA_BROKERS: 'k1:9092, k2:9092',
        FAXENGINE_LOKI_URL: 'http://loki:3100/loki/api/v1/push',
        FAXENGINE_LOKI_LABELS: 'app=fax,env=prod',
        FAXENGINE_EVENT_STORE: 'kurrentdb://admin:changeit@db:2113?tls=false',
        FAXENGINE_DATA_DIR: 'var',
      },
    });
    expect(source).toBe(file);
    expect(config.http.listen).toBe('127.0.0.1:9000');
    expect(config.log.level).toBe('warn');
    expect(config.freeswitch.password).toBe('fromfile');
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.loki.labels).toEqual({ app: 'fax', env: 'prod' });
    expect(config.eventStore).toBe('kurrentdb://admin:changeit@db:2113?tls=false');
    expect(config.dataDir).toBe(join(cwd, 'var'));
  });

  it('reads ./faxengine.json when present, and --config wins over FAXENGINE_CONFIG', () => {
    const cwd = tempCwd();
    writeFileSync(join(cwd, 'faxengine.json'), JSON.stringify({ socket: { listen: '0.0.0.0:8085' } }));
    writeFileSync(join(cwd, 'other.json'), JSON.stringify({ socket: { listen: '0.0.0.0:9999' } }));
    expect(loadConfig({ cwd, env: {} }).config.socket.listen).toBe('0.0.0.0:8085');
    expect(loadConfig({ cwd, env: { FAXENGINE_CONFIG: 'faxengine.json' }, configPath: 'other.json' }).config.socket.listen).toBe('0.0.0.0:9999');
  });

  it.each([
    [{ FAXENGINE_HTTP_LISTEN: 'nonsense' }, 'http.listen (FAXENGINE_HTTP_LISTEN): expected host:port'],
    [{ FAXENGINE_SOCKET_LISTEN: '127.0.0.1:70000' }, 'socket.listen (FAXENGINE_SOCKET_LISTEN): port must be 0–65535'],
    [{ FAXENGINE_LOG_LEVEL: 'loud' }, 'log.level (FAXENGINE_LOG_LEVEL)'],
    [{ FAXENGINE_EVENT_STORE: 'mysql://x' }, 'eventStore (FAXENGINE_EVENT_STORE): expected sqlite:<path>, a postgres:// connection string or a kurrentdb://'],
    [{ FAXENGINE_KAFKA_BROKERS: 'k1:9092,broken' }, 'kafka.brokers.1 (FAXENGINE_KAFKA_BROKERS): expected host:port'],
    [{ FAXENGINE_LOKI_URL: 'not a url' }, 'loki.url (FAXENGINE_LOKI_URL)'],
    [{ FAXENGINE_ADMIN_API_KEY: 'short' }, 'admin.apiKey (FAXENGINE_ADMIN_API_KEY): must be at least 16 characters'],
  ])('rejects %o with one line naming the key', (env, expected) => {
    const cwd = tempCwd();
    const error = (() => {
      try {
        loadConfig({ cwd, env });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected loadConfig to throw');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain('\n');
  });

  it('names the file when it is missing or not JSON', () => {
    const cwd = tempCwd();
    expect(() => loadConfig({ cwd, env: { FAXENGINE_CONFIG: 'missing.json' } })).toThrow(/missing\.json.*file not found/);
    writeFileSync(join(cwd, 'faxengine.json'), '{ broken');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/faxengine\.json/);
  });

  it('masks secrets and connection-string passwords for logging', () => {
    const { config } = loadConfig({
      cwd: tempCwd(),
      env: {
        FAXENGINE_FREESWITCH_PASSWORD: 'eslsecret',
        FAXENGINE_ADMIN_API_KEY: 'admin-key-0123456789',
        FAXENGINE_LOKI_PASSWORD: 'lokisecret',
        FAXENGINE_EVENT_STORE: 'esdb://admin:changeit@db:2113',
      },
    });
    const text = JSON.stringify(maskConfig(config));
    for (const secret of ['eslsecret', 'admin-key-0123456789', 'lokisecret', 'changeit']) expect(text).not.toContain(secret);
    expect(text).toContain('esdb://admin:********@db:2113');
    expect(config.freeswitch.password).toBe('eslsecret');
  });
});

describe('configuration flags and fax settings', () => {
  it('reads booleans from the file as JSON and from the environment as text', () => {
    const dir = makeTempDir('config-flags');
    try {
      writeFileSync(join(dir.path, 'faxengine.json'), JSON.stringify({ log: { pretty: true }, fax: { t38: { pbx: { enabled: true } } } }));
      const { config } = loadConfig({ cwd: dir.path, env: { FAXENGINE_FAX_T38_UPSTREAM_REQUEST: 'false', FAXENGINE_FAX_ANSWER_DELAY_MS: '1500' } });
      expect(config.log.pretty).toBe(true);
      expect(config.fax.t38).toEqual({ upstream: { enabled: true, request: false }, pbx: { enabled: true, request: false } });
      expect(config.fax.answerDelayMs).toBe(1500);
      expect(() => loadConfig({ cwd: dir.path, env: { FAXENGINE_FAX_RECIPIENT_FROM: 'via' } })).toThrow(/fax\.recipientFrom \(FAXENGINE_FAX_RECIPIENT_FROM\)/);
    } finally {
      dir.remove();
    }
  });
});
