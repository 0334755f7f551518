import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type Config } from './schema.js';
import { envNameFor, leafPaths } from './envNames.js';

/** Start-up stops on this; its message is the one line an operator needs. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadConfigOptions {
  /** `--config` from the command line; wins over FAXENGINE_CONFIG. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  source?: string;
}

/**
 * Reads the optional JSON file (`--config`, else FAXENGINE_CONFIG, else ./faxengine.json when present),
 * lays the FAXENGINE_* environment over it and validates the result.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? nonEmpty(env.FAXENGINE_CONFIG);
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, 'faxengine.json');
  if (explicit && !existsSync(path)) throw new ConfigError(`config file ${path} (FAXENGINE_CONFIG / --config): file not found`);
  const fromFile = existsSync(path) ? readJsonFile(path) : {};
  const merged = applyEnvironment(fromFile, env);

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.') || '(root)';
    const where = describePath(issue.path, merged);
    const leaf = leafPaths(configSchema).find((candidate) => key === candidate || key.startsWith(`${candidate}.`));
    const envHint = leaf ? ` (${envNameFor(leaf)})` : '';
    throw new ConfigError(`invalid configuration: ${where}${envHint}: ${issue.message}`);
  }
  return { config: withDerivedDefaults(result.data, cwd), source: existsSync(path) ? path : undefined };
}

/** The key as an operator finds it; a FreeSWITCH node is named: `freeswitch.nodes[1] (fs2).esl`. */
function describePath(path: readonly PropertyKey[], merged: Record<string, unknown>): string {
  if (path[0] !== 'freeswitch' || path[1] !== 'nodes' || typeof path[2] !== 'number') return path.join('.') || '(root)';
  const index = path[2];
  const raw = merged.freeswitch as { nodes?: unknown } | undefined;
  const nodes = typeof raw?.nodes === 'string' ? safeJson(raw.nodes) : raw?.nodes;
  const name = Array.isArray(nodes) ? (nodes[index] as { name?: unknown } | undefined)?.name : undefined;
  const node = `freeswitch.nodes[${index}]${typeof name === 'string' && name !== '' ? ` (${name})` : ''}`;
  return [node, ...path.slice(3).map(String)].join('.');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function withDerivedDefaults(config: Config, cwd: string): Config {
  const dataDir = resolve(cwd, config.dataDir);
  return { ...config, dataDir, eventStore: config.eventStore ?? `sqlite:${resolve(dataDir, 'events.sqlite')}` };
}

function readJsonFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path}: expected a JSON object at the top level`);
  }
  return parsed as Record<string, unknown>;
}

/** Sets each leaf key whose FAXENGINE_* variable is present (an empty variable counts as absent). */
function applyEnvironment(base: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const result = structuredClone(base);
  for (const path of leafPaths(configSchema)) {
    const value = nonEmpty(env[envNameFor(path)]);
    if (value === undefined) continue;
    const segments = path.split('.');
    let node = result;
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment];
      node = (node[segment] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
    node[segments.at(-1)!] = value;
  }
  return result;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
