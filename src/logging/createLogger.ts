import { pino, type Logger, type TransportTargetOptions } from 'pino';
import type { Config } from '../config/schema.js';

export type { Logger };

/** Keys that must never reach a log line, wherever they appear in a logged object. */
const redactPaths = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * JSON to stdout by default, pretty when stdout is a terminal (or `log.pretty`), and optionally
 * shipped to Grafana Loki. Pretty-printing and Loki run in pino's transport worker thread, so
 * neither formatting nor HTTP pushes block the event loop.
 */
export function createLogger(config: Pick<Config, 'log' | 'loki'>, stdoutIsTty = Boolean(process.stdout.isTTY)): Logger {
  const pretty = config.log.pretty ?? stdoutIsTty;
  const targets: TransportTargetOptions[] = [];
  if (pretty) {
    targets.push({ target: 'pino-pretty', level: config.log.level, options: { destination: 1, translateTime: 'SYS:standard' } });
  }
  if (config.loki.url) targets.push(lokiTarget(config));

  const options = { level: config.log.level, redact: { paths: redactPaths, censor: '********' }, base: { app: 'faxengine' } };
  if (targets.length === 0) return pino(options);
  if (!pretty) targets.unshift({ target: 'pino/file', level: config.log.level, options: { destination: 1 } });
  return pino(options, pino.transport({ targets }));
}

function lokiTarget(config: Pick<Config, 'log' | 'loki'>): TransportTargetOptions {
  const url = new URL(config.loki.url!);
  const endpoint = url.pathname && url.pathname !== '/' ? url.pathname : undefined;
  const { username, password } = config.loki;
  return {
    target: 'pino-loki',
    level: config.log.level,
    options: {
      host: url.origin,
      ...(endpoint ? { endpoint } : {}),
      labels: config.loki.labels,
      batching: { interval: 2 },
      silenceErrors: false,
      ...(username !== undefined ? { basicAuth: { username, password: password ?? '' } } : {}),
    },
  };
}

/** Per-fax/per-call/per-tenant child loggers carry these bindings on every line. */
export interface LogBindings {
  faxId?: string;
  callUuid?: string;
  tenantId?: string;
}

export function childLogger(logger: Logger, bindings: LogBindings): Logger {
  return logger.child(bindings);
}
