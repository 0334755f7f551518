import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { processIo, UsageError, type CommandIo } from './commandIo.js';
import { createFaxApiClient, UnreachableError, type ApiCredentials, type FaxApiClient } from './faxApiClient.js';
import { followFax, succeeded } from './faxProgress.js';

export const sendHelp = `Usage: faxengine send --to <number> --from <number> [options] <file>…

Sends the files (PDF, TIFF, PNG or JPEG, faxed in the order given) as one fax through a running
faxengine, then shows its progress until it is sent or has failed.

Options:
  --to <number>              destination (national numbers are read in the server's default country)
  --from <number>            one of your tenant's numbers: the caller ID
  --header <text>            page header line (default: the number's)
  --ident <text>             station ident (TSI), ≤ 20 characters (default: the number's)
  --caller-name <text>       caller ID name
  --resolution fine|standard fine = 204×196 dpi (default), standard = 204×98
  --page-size a4|letter      default: Letter for +1 destinations, A4 elsewhere
  --idempotency-key <key>    the same key and request again within 24 h is the same fax, never a second one
  --no-wait                  print the fax id once it is queued and exit
  --url <url>                the API (default FAXENGINE_URL, else http://127.0.0.1:8080)
  --user <name>              tenant user (default FAXENGINE_USER); \`--user name:password\` works too
  --password <password>      its password (default FAXENGINE_PASSWORD)
  --api-key <key>            an API key instead of user and password (default FAXENGINE_API_KEY)
  -h, --help                 show this help

Exit status: 0 sent, 1 failed or cancelled, 2 bad usage or an error from the server.`;

const defaultUrl = 'http://127.0.0.1:8080';
const contentTypes: Record<string, string> = { '.pdf': 'application/pdf', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

const options = {
  to: { type: 'string' },
  from: { type: 'string' },
  header: { type: 'string' },
  ident: { type: 'string' },
  'caller-name': { type: 'string' },
  resolution: { type: 'string' },
  'page-size': { type: 'string' },
  'idempotency-key': { type: 'string' },
  'no-wait': { type: 'boolean' },
  url: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What to send: the form fields and the files, in order. */
export interface FaxSubmission {
  to: string;
  from: string;
  files: string[];
  headerText?: string;
  stationIdent?: string;
  callerIdName?: string;
  resolution?: string;
  pageSize?: string;
  idempotencyKey?: string;
}

export interface Submitted {
  id: string;
  to: string;
  from: string;
  pages: number;
}

/** `faxengine send`: 0 when the fax was sent, 1 when it failed or was cancelled, 2 on usage and server errors. */
export async function runSendCommand(argv: string[], io: CommandIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let request: { client: FaxApiClient; submission: FaxSubmission; wait: boolean };
  try {
    const parsed = parseArgs({ args: argv, allowPositionals: true, options });
    if (parsed.values.help) {
      io.out(sendHelp);
      return 0;
    }
    request = await readRequest(parsed.values, parsed.positionals, env);
  } catch (error) {
    io.err(`faxengine send: ${(error as Error).message}`);
    if (error instanceof UsageError || isParseError(error)) io.err('see `faxengine send --help`');
    return 2;
  }

  let submitted: Submitted;
  try {
    submitted = await submitFax(request.client, request.submission);
  } catch (error) {
    io.err(`faxengine send: ${messageOf(error)}`);
    return 2;
  }
  if (!request.wait) {
    io.out(submitted.id);
    return 0;
  }
  io.out(`fax ${submitted.id}: ${submitted.from} → ${submitted.to}`);
  try {
    const { end } = await followFax(request.client, submitted.id, { print: io.out });
    return succeeded(end) ? 0 : 1;
  } catch (error) {
    io.err(`faxengine send: ${messageOf(error)}`);
    io.err(`the fax was queued; its state: ${request.client.baseUrl}/v1/faxes/${submitted.id}`);
    return 2;
  }
}

/** Uploads the files with the fields as `POST /v1/faxes`; the server converts and queues them. */
export async function submitFax(client: FaxApiClient, submission: FaxSubmission): Promise<Submitted> {
  const form = new FormData();
  const fields: Array<[string, string | undefined]> = [
    ['to', submission.to],
    ['from', submission.from],
    ['headerText', submission.headerText],
    ['stationIdent', submission.stationIdent],
    ['callerIdName', submission.callerIdName],
    ['resolution', submission.resolution],
    ['pageSize', submission.pageSize],
  ];
  for (const [name, value] of fields) if (value !== undefined) form.append(name, value);
  for (const path of submission.files) {
    const type = contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
    form.append('file', await openAsBlob(path, { type }), basename(path));
  }
  const headers: Record<string, string> = submission.idempotencyKey === undefined ? {} : { 'idempotency-key': submission.idempotencyKey };
  return client.json<Submitted>('POST', '/v1/faxes', form, headers);
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>['values'];

async function readRequest(values: Values, files: string[], env: NodeJS.ProcessEnv) {
  if (!values.to) throw new UsageError('--to <number> is required');
  if (!values.from) throw new UsageError("--from <number> is required (one of your tenant's numbers)");
  if (files.length === 0) throw new UsageError('no document given: name one or more PDF, TIFF, PNG or JPEG files');
  oneOf('--resolution', values.resolution, ['fine', 'standard']);
  oneOf('--page-size', values['page-size'], ['a4', 'letter']);
  for (const path of files) await checkReadableFile(path);

  const submission: FaxSubmission = { to: values.to, from: values.from, files };
  if (values.header !== undefined) submission.headerText = values.header;
  if (values.ident !== undefined) submission.stationIdent = values.ident;
  if (values['caller-name'] !== undefined) submission.callerIdName = values['caller-name'];
  if (values.resolution !== undefined) submission.resolution = values.resolution;
  if (values['page-size'] !== undefined) submission.pageSize = values['page-size'];
  if (values['idempotency-key'] !== undefined) submission.idempotencyKey = values['idempotency-key'];
  const client = createFaxApiClient({ baseUrl: apiUrl(values.url ?? nonEmpty(env.FAXENGINE_URL) ?? defaultUrl), credentials: credentialsOf(values, env) });
  return { client, submission, wait: !values['no-wait'] };
}

/** Flags win over the environment; an API key from the environment yields to a `--user` flag. */
function credentialsOf(values: Values, env: NodeJS.ProcessEnv): ApiCredentials {
  const apiKey = values['api-key'] ?? (values.user === undefined ? nonEmpty(env.FAXENGINE_API_KEY) : undefined);
  if (apiKey !== undefined) return { kind: 'bearer', apiKey };
  let user = values.user ?? nonEmpty(env.FAXENGINE_USER);
  let password = values.password ?? nonEmpty(env.FAXENGINE_PASSWORD);
  if (user !== undefined && password === undefined && user.includes(':')) [user, password] = [user.slice(0, user.indexOf(':')), user.slice(user.indexOf(':') + 1)];
  if (user === undefined || password === undefined) {
    throw new UsageError('credentials needed: --user and --password (FAXENGINE_USER, FAXENGINE_PASSWORD) or --api-key (FAXENGINE_API_KEY)');
  }
  return { kind: 'basic', user, password };
}

function apiUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url: expected an http(s) URL such as ${defaultUrl}, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url: expected http:// or https://, got "${text}"`);
  return url.href;
}

async function checkReadableFile(path: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(error.code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${error.message}`);
  });
  if (!info.isFile()) throw new UsageError(`not a file: ${path}`);
}

function oneOf(option: string, value: string | undefined, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value)) throw new UsageError(`${option}: expected ${allowed.join(' or ')}, got "${value}"`);
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
const isParseError = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? '').startsWith('ERR_PARSE_ARGS_');

function messageOf(error: unknown): string {
  if (error instanceof UnreachableError) return `${error.message} (is the server running? set --url or FAXENGINE_URL)`;
  return error instanceof Error ? error.message : String(error);
}
