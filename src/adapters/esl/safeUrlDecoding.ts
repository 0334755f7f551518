import Parser from 'modesl/lib/esl/Parser.js';

/**
 * modesl decodes every header value with decodeURIComponent inside its socket data handler, so a
 * single `%FF` (a Latin-1 caller name, say) throws URIError there and crashes the process
 * (englercj/node-esl#59; reference §6.2). We replace that one function with the same parsing and
 * a decoder that falls back to decoding byte by byte as Latin-1 instead of throwing.
 */
export function installSafeUrlDecoding(): void {
  Parser.prototype._parseHeaderText = function parseHeaderText(text: string) {
    const headers: Record<string, string | number> = {};
    for (const line of text.split('\n')) {
      const colon = line.indexOf(': ');
      const key = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : lenientDecode(line.slice(colon + 2));
      headers[key] = key === 'Content-Length' ? Number.parseInt(value, 10) : value;
    }
    return headers;
  };
}

export function lenientDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}
