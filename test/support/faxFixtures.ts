import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AcceptedCall } from '../../src/domain/fax/inboundScreening.js';

const run = promisify(execFile);

/**
 * Writes a real multi-page fax TIFF (G4, 1728 px wide, 204×196 dpi, A4-ish) with ghostscript,
 * each page saying its number, as FreeSWITCH's rxfax would leave one.
 */
export async function makeFaxTiff(path: string, pages: number): Promise<void> {
  const program = Array.from(
    { length: pages },
    (_, index) => `/Helvetica findfont 48 scalefont setfont 72 600 moveto (Test page ${index + 1}) show showpage`,
  ).join(' ');
  await run('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg4', '-r204x196', '-g1728x2292', `-sOutputFile=${path}`, '-c', program]);
}

/** A screening that accepts the call for tenant t1 on +15551230000 from carrier1, receiving into the spool. */
export function acceptedCall(faxId: string, spoolDir: string, overrides: Partial<AcceptedCall> = {}): AcceptedCall {
  return {
    kind: 'accept',
    tenantId: 't1',
    recipient: '+15551230000',
    sourceGateway: 'carrier1',
    t38Enabled: false,
    t38Requested: false,
    t38Policy: 'test',
    ringDelayMs: 0,
    silenceMs: 0,
    spoolPath: `${spoolDir}/${faxId}.tif`,
    ...overrides,
  };
}

