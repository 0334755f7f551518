import type { OriginateRequest } from '../../ports/faxDialer.js';

/**
 * `originate {vars}sofia/gateway/<gw>/<number> &txfax(<tiff>)` for one fax attempt. Variable
 * values are user text (page header, station ident, caller name): characters that would end the
 * variable block or the command are dropped, and values with spaces or commas are single-quoted,
 * the form FreeSWITCH's originate parser keeps whole.
 */
export function originateCommand(request: OriginateRequest): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(request.gateway)) throw new Error(`gateway name "${request.gateway}" cannot be dialled`);
  if (!/^\+?[0-9*#]+$/.test(request.destination)) throw new Error(`destination "${request.destination}" cannot be dialled`);
  if (/[\s()]/.test(request.tiffPath)) throw new Error(`fax file path "${request.tiffPath}" contains spaces or parentheses`);
  const variables = { ...request.variables, origination_uuid: request.callUuid };
  const block = Object.entries(variables)
    .filter(([name]) => /^[A-Za-z0-9_]+$/.test(name))
    .map(([name, value]) => `${name}=${quote(value)}`)
    .join(',');
  return `originate {${block}}sofia/gateway/${request.gateway}/${request.destination} &txfax(${request.tiffPath})`;
}

function quote(value: string): string {
  const clean = value.replace(/[{}[\]'\r\n\\]/g, '');
  return /[\s,]/.test(clean) ? `'${clean}'` : clean;
}
