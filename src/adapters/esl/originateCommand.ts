import type { OriginateRequest } from '../../ports/faxDialer.js';

/**
 * `originate {vars}sofia/gateway/<gw>/<number> &txfax(<tiff>)` for one fax attempt. Variable
 * values are user text (page header, station ident, caller name), so each is escaped for the
 * three splits FreeSWITCH runs over it (see `originateValue`) and loses any `${`. `extra` holds
 * faxengine's own variables (the hang-up hook), which may hold `${…}` to be expanded later:
 * FreeSWITCH drops such values from an originate unless it also says `origination_nested_vars=true`.
 */
export function originateCommand(request: OriginateRequest, extra: Readonly<Record<string, string>> = {}): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(request.gateway)) throw new Error(`gateway name "${request.gateway}" cannot be dialled`);
  if (!/^\+?[0-9*#]+$/.test(request.destination)) throw new Error(`destination "${request.destination}" cannot be dialled`);
  if (/[\s()]/.test(request.tiffPath)) throw new Error(`fax file path "${request.tiffPath}" contains spaces or parentheses`);
  const user = Object.entries({ ...request.variables, origination_uuid: request.callUuid }).map(
    ([name, value]) => [name, originateValue(name === 'origination_caller_id_name' ? displayName(value) : value)] as const,
  );
  const own = Object.entries(extra).map(([name, value]) => [name, originateValue(value, { variables: true })] as const);
  const block = [...user.filter(([name]) => !(name in extra)), ...own]
    .filter(([name]) => /^[A-Za-z0-9_]+$/.test(name))
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
  return `originate {${block}}sofia/gateway/${request.gateway}/${request.destination} &txfax(${request.tiffPath})`;
}

/**
 * One `{…}` value, escaped so that FreeSWITCH 1.10 hands the channel exactly `value`. Its text
 * passes three `switch_separate_string` splits, and each one removes one level of quotes and
 * backslashes: the API's split on spaces, the block's split on `,`, and the variable's split on
 * `=`. Single quotes therefore do NOT keep a comma (they are gone after the first split, which is
 * how `'Acme Corp, Billing'` arrived as `Acme Corp`), and an unquoted space cuts the dial string
 * (a parse error). So: escape `\` and `'` at every level, `,` for the block split and spaces as
 * `\s` for the first split, innermost level first. The block's end is found by counting braces,
 * quotes or not, so braces that do not balance are dropped; control characters become spaces
 * (the command is one line), and ends are trimmed (FreeSWITCH trims them anyway).
 */
export function originateValue(value: string, options: { variables?: boolean } = {}): string {
  let text = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!bracesBalance(text)) text = text.replace(/[{}]/g, '');
  // `${` (even as `$\{`) is a variable reference, which FreeSWITCH would expand wherever the value
  // is later expanded: user text never carries one.
  if (!options.variables) text = text.replace(/\$(?=\\*\{)/g, '');
  const level = (input: string, special: RegExp) => input.replace(special, (char) => (char === ' ' ? '\\s' : `\\${char}`));
  const variableLevel = level(text, /[\\']/g);
  const blockLevel = level(variableLevel, /[\\',]/g);
  return level(blockLevel, /[\\' ]/g);
}

function bracesBalance(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '{') depth++;
    else if (char === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * The caller name becomes the quoted display name of the SIP From header, and sofia does not escape
 * a `"` in it: on FreeSWITCH 1.10.12 `O'Neil, Mary "MJ"` went out as `"MJ"`. Double quotes become
 * single ones, which SIP carries as they are.
 */
function displayName(value: string): string {
  return value.replace(/"/g, "'");
}
