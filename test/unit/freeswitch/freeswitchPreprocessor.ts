import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/**
 * What FreeSWITCH's XML preprocessor (switch_xml.c) does before parsing, line by line: expand
 * `$${name}`, drop lines holding `<include>`, `</include>` or `<?`, run `X-PRE-PROCESS` `set` and
 * `include` (paths relative to the including file, `*` globbed in the file name, files in name order).
 */
export interface Preprocessed {
  /** The document FreeSWITCH parses. */
  xml: string;
  /** Global variables from `set`, in the order set. */
  globals: Map<string, string>;
  /** Every file read, relative to the configuration folder. */
  files: string[];
  /** Include patterns that matched no file, as `<including file>: <pattern>`. */
  unresolvedIncludes: string[];
  /** `$${name}` references to a variable neither set nor built in, as `<file>: <name>`. */
  undefinedVariables: string[];
  /** X-PRE-PROCESS commands this simulation does not know, as `<file>: <cmd>`. */
  unknownCommands: string[];
}

/** Variables FreeSWITCH defines itself before reading the configuration (values are stand-ins). */
const builtInVariables: ReadonlyMap<string, string> = new Map([
  ['local_ip_v4', '192.0.2.1'],
  ['local_mask_v4', '255.255.255.0'],
  ['local_ip_v6', '::1'],
  ['hostname', 'fax1'],
  ['base_dir', '/usr'],
  ['conf_dir', '/etc/freeswitch'],
  ['log_dir', '/var/log/freeswitch'],
  ['db_dir', '/var/lib/freeswitch/db'],
  ['run_dir', '/run/freeswitch'],
  ['temp_dir', '/tmp'],
]);

const directive = /<X-PRE-PROCESS\s+cmd="([^"]*)"\s+data="([^"]*)"\s*\/>/i;

export function preprocessFreeswitchConfig(configDir: string, entry = 'freeswitch.xml'): Preprocessed {
  const result: Preprocessed = { xml: '', globals: new Map(), files: [], unresolvedIncludes: [], undefinedVariables: [], unknownCommands: [] };
  const out: string[] = [];

  const expand = (line: string, file: string): string =>
    line.replace(/\$\$\{([^}]+)\}/g, (_, name: string) => {
      const value = result.globals.get(name) ?? builtInVariables.get(name);
      if (value === undefined) result.undefinedVariables.push(`${file}: ${name}`);
      return value ?? '';
    });

  const read = (path: string): void => {
    const file = relative(configDir, path);
    result.files.push(file);
    for (const raw of readFileSync(path, 'utf8').split('\n')) {
      const line = expand(raw, file);
      if (line.includes('<include>') || line.includes('</include>') || line.includes('<?')) continue;
      const found = directive.exec(line);
      if (!found) {
        out.push(line);
        continue;
      }
      const [, cmd = '', data = ''] = found;
      if (cmd === 'set') {
        const eq = data.indexOf('=');
        result.globals.set(data.slice(0, eq), data.slice(eq + 1));
      } else if (cmd === 'include') {
        const matches = resolveInclude(dirname(path), data);
        if (matches.length === 0) result.unresolvedIncludes.push(`${file}: ${data}`);
        matches.forEach(read);
      } else {
        result.unknownCommands.push(`${file}: ${cmd}`);
      }
    }
  };

  read(join(configDir, entry));
  result.xml = out.join('\n');
  return result;
}

function resolveInclude(fromDir: string, pattern: string): string[] {
  const path = join(fromDir, pattern);
  if (!basename(path).includes('*')) return isFile(path) ? [path] : [];
  const dir = dirname(path);
  const name = new RegExp(`^${basename(path).split('*').map(escapeRegExp).join('.*')}$`);
  if (!isDirectory(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => name.test(entry) && isFile(join(dir, entry)))
    .sort()
    .map((entry) => join(dir, entry));
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
const isDirectory = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

/**
 * Faults in how `text` uses X-PRE-PROCESS, which the preprocessor reads line by line before any XML
 * parsing: a directive must be alone on its line, self-closed, with `cmd` then `data`, and never in a
 * comment (the preprocessor would run it anyway).
 */
export function preprocessorDirectiveFaults(text: string): string[] {
  const faults: string[] = [];
  const commentRanges = [...text.matchAll(/<!--[\s\S]*?-->/g)].map((m) => [m.index, m.index + m[0].length] as const);
  for (const found of text.matchAll(/X-PRE-PROCESS/gi)) {
    const lineNumber = text.slice(0, found.index).split('\n').length;
    const line = text.split('\n')[lineNumber - 1] ?? '';
    if (commentRanges.some(([start, end]) => found.index >= start && found.index < end)) {
      faults.push(`line ${lineNumber}: X-PRE-PROCESS inside a comment is still run by FreeSWITCH`);
    } else if (!/^\s*<X-PRE-PROCESS cmd="[a-z-]+" data="[^"]*"\/>\s*$/.test(line)) {
      faults.push(`line ${lineNumber}: X-PRE-PROCESS must stand alone on its line as <X-PRE-PROCESS cmd="..." data="..."/>`);
    }
  }
  return faults;
}
