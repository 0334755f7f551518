import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describePublicKey, verifySignature } from '../exports/exportKeyFormat.js';
import { loadPublicKey } from '../exports/exportPublicKeySource.js';
import type { ExportManifest } from '../exports/exportManifest.js';
import { verifyExport, type VerifyReport } from '../exports/verifyExport.js';

export const verifyHelp = `Usage: faxengine verify <export.tar> --key <public key file or URL>
       faxengine verify <history.json> --signature <base64 or file> --key <public key file or URL>

Checks a signed export offline: the Ed25519 signature over manifest.json, every file's size and
SHA-256 (for events.json, which event differs), and that no file is missing or extra.

--key is required: a key taken from the archive itself would prove nothing (whoever changed the
archive could sign it again with their own). Give the server's published key:
  a URL      https://fax.example.com  or  …/.well-known/faxengine-export-key (fetched once)
  a file     that route's JSON saved earlier, an SPKI PEM, or the raw key in base64

With --signature, the file is a fax history fetched with GET /v1/faxes/{id}/events?signed=true
(saved byte for byte, e.g. curl -o) and the signature is that answer's Faxengine-Signature header.

Exits 0 when everything matches, 1 when something differs (each difference is printed), 2 on a
usage error or a key that cannot be read.

Options:
  --key <file|URL>  the public key exports are signed with
  --signature <s>   check a signed history instead: its Faxengine-Signature (base64, or a file holding it)
  -h, --help        show this help`;

/** `faxengine verify`: 0 when the export is intact and signed by the given key. */
export async function runVerifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { key: { type: 'string' }, signature: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${verifyHelp}\n`);
    return 0;
  }
  const [archive] = positionals;
  if (positionals.length !== 1 || archive === undefined) return usage('name one export archive');
  if (!values.key) return usage('--key is required: a signature checked with a key taken from the archive itself proves nothing');
  if (!existsSync(archive)) return usage(`${archive}: no such file`);
  let key: KeyObject;
  try {
    key = await loadPublicKey(values.key);
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.signature !== undefined) return verifyHistory(archive, values.signature, key, values.key);
  const report = await verifyExport(archive, key);
  process.stdout.write(`${describe(archive, values.key, report)}\n`);
  return report.ok ? 0 : 1;
}

function describe(archive: string, keySource: string, report: VerifyReport): string {
  const lines = [report.ok ? `${archive}: export verified` : `${archive}: export does NOT verify (${report.problems.length} ${report.problems.length === 1 ? 'problem' : 'problems'})`];
  lines.push(`  key:       ${report.keyId} (Ed25519, from ${keySource})`);
  lines.push(`  signature: ${report.signatureValid ? 'valid over manifest.json' : 'INVALID'}`);
  if (report.manifest) lines.push(...about(report.manifest));
  if (report.ok) lines.push(`  files:     ${report.filesChecked} checked, sizes and SHA-256 match; none missing, none extra`);
  // Without a valid signature the manifest itself may be what was changed: the files were compared with what it claims.
  else if (report.manifest && !report.signatureValid) lines.push('  files:     compared with the manifest as found, which the signature does not vouch for');
  lines.push(...report.problems.map((problem) => `  ✗ ${problem}`));
  return lines.join('\n');
}

function about(manifest: ExportManifest): string[] {
  const scope = manifest.scope?.kind === 'fax' ? `fax ${manifest.scope.faxId}` : manifest.scope?.kind === 'tenant' ? `tenant ${manifest.scope.tenantId}, faxes created ${manifest.scope.since ?? 'from the first'} to ${manifest.scope.until}` : 'unknown';
  const by = manifest.exportedBy?.kind === 'user' ? `user ${manifest.exportedBy.username} (tenant ${manifest.exportedBy.tenantId})` : String(manifest.exportedBy?.kind);
  const count = manifest.faxes?.length ?? 0;
  return [`  scope:     ${scope}; ${count} ${count === 1 ? 'fax' : 'faxes'}`, `  exported:  ${manifest.exportedAt} by ${by}, faxengine ${manifest.faxengine?.version}`];
}

/** A signed history: the signature over the file's exact bytes, then what it holds. */
async function verifyHistory(file: string, signatureArgument: string, key: KeyObject, keySource: string): Promise<number> {
  const body = await readFile(file);
  const signature = Buffer.from((existsSync(signatureArgument) ? await readFile(signatureArgument, 'utf8') : signatureArgument).trim(), 'base64');
  const keyId = describePublicKey(key).keyId;
  if (!verifySignature(key, body, signature)) {
    process.stdout.write(`${file}: signature does NOT verify with key ${keyId} (from ${keySource}): the file is not the exact body that was signed (changed, or re-formatted when saved), or another key signed it\n`);
    return 1;
  }
  const items = (JSON.parse(body.toString('utf8')) as { items?: Array<{ revision?: number; data?: { faxId?: string } }> }).items ?? [];
  const faxId = items.find((event) => typeof event.data?.faxId === 'string')?.data?.faxId ?? 'unknown';
  process.stdout.write(`${file}: signed history verified\n  key:       ${keyId} (Ed25519, from ${keySource})\n  fax:       ${faxId}; ${items.length} ${items.length === 1 ? 'event' : 'events'}\n`);
  return 0;
}

function usage(problem: string): number {
  process.stderr.write(`faxengine verify: ${problem}\n\n${verifyHelp}\n`);
  return 2;
}
