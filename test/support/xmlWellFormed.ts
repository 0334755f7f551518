/**
 * A small strict XML 1.0 well-formedness checker (no DTDs), so tests can check configuration files
 * without an npm package or xmllint. It also returns the element tree, enough for tests to query.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** 1-based line of the start tag. */
  line: number;
}

export class XmlWellFormednessError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${line}:${column}: ${reason}`);
    this.name = 'XmlWellFormednessError';
  }
}

const nameStartChars =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const nameChars = `${nameStartChars}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const namePattern = new RegExp(`[${nameStartChars}][${nameChars}]*`, 'uy');
const whitespace = /[ \t\r\n]+/y;
const referencePattern = /&(?:(lt|gt|amp|apos|quot)|#([0-9]+)|#x([0-9A-Fa-f]+));/y;
const forbiddenChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const xmlDeclaration =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(yes|no)\5)?[ \t\r\n]*\?>/y;

const isXmlChar = (code: number): boolean =>
  code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);

/** Parses `text` and returns the root element; throws `XmlWellFormednessError` at the first fault. */
export function parseXml(text: string): XmlElement {
  let pos = text.startsWith('\uFEFF') ? 1 : 0;

  const fail: (reason: string, at?: number) => never = (reason, at = pos) => {
    const before = text.slice(0, at).split('\n');
    throw new XmlWellFormednessError(reason, before.length, (before.at(-1)?.length ?? 0) + 1);
  };
  const match = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = pos;
    const found = pattern.exec(text);
    if (found) pos = pattern.lastIndex;
    return found;
  };
  const readName = (what: string): string => match(namePattern)?.[0] ?? fail(`expected ${what} name`);
  const skipSpace = (): boolean => match(whitespace) !== null;

  const bad = forbiddenChar.exec(text);
  if (bad) fail(`character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase()} is not allowed in XML`, bad.index);

  /** Checks the references in character data or an attribute value (pos at its first character). */
  const checkReferences = (end: number): void => {
    for (let amp = text.indexOf('&', pos); amp !== -1 && amp < end; amp = text.indexOf('&', amp + 1)) {
      referencePattern.lastIndex = amp;
      const ref = referencePattern.exec(text);
      if (!ref) fail('"&" must start an entity reference such as &amp;', amp);
      const code = ref[2] !== undefined ? Number.parseInt(ref[2], 10) : ref[3] !== undefined ? Number.parseInt(ref[3], 16) : undefined;
      if (code !== undefined && !isXmlChar(code)) fail(`character reference ${ref[0]} is not an XML character`, amp);
    }
  };

  const readComment = (): void => {
    const end = text.indexOf('-->', pos + 4);
    if (end === -1) fail('comment is not closed with -->');
    const body = text.slice(pos + 4, end);
    const dashes = body.indexOf('--');
    if (dashes !== -1) fail('"--" is not allowed inside a comment', pos + 4 + dashes);
    if (body.endsWith('-')) fail('a comment may not end with "--->"', end - 1);
    pos = end + 3;
  };

  const readProcessingInstruction = (): void => {
    pos += 2;
    const target = readName('processing instruction target');
    if (target.toLowerCase() === 'xml') fail('the XML declaration is only allowed at the very start', pos - target.length - 2);
    const end = text.indexOf('?>', pos);
    if (end === -1) fail('processing instruction is not closed with ?>');
    if (end !== pos && !skipSpace()) fail('expected whitespace after the processing instruction target');
    pos = end + 2;
  };

  /** Comments, processing instructions and whitespace outside the root element. */
  const readMisc = (): void => {
    for (;;) {
      if (skipSpace()) continue;
      if (text.startsWith('<!--', pos)) readComment();
      else if (text.startsWith('<?', pos)) readProcessingInstruction();
      else return;
    }
  };

  const readStartTag = (): { element: XmlElement; selfClosing: boolean } => {
    const tagStart = pos;
    pos += 1;
    const element: XmlElement = { name: readName('element'), attributes: {}, children: [], line: text.slice(0, tagStart).split('\n').length };
    for (;;) {
      const spaced = skipSpace();
      if (text.startsWith('/>', pos) || text.startsWith('>', pos)) {
        const selfClosing = text[pos] === '/';
        pos += selfClosing ? 2 : 1;
        return { element, selfClosing };
      }
      if (pos >= text.length) fail(`start tag <${element.name}> is not closed`);
      if (!spaced) fail('expected whitespace, "/>" or ">" after an attribute or element name');
      const nameAt = pos;
      const name = readName('attribute');
      if (Object.hasOwn(element.attributes, name)) fail(`attribute "${name}" appears twice`, nameAt);
      skipSpace();
      if (text[pos] !== '=') fail(`expected "=" after attribute "${name}"`);
      pos += 1;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`the value of attribute "${name}" must be quoted`);
      const end = text.indexOf(quote, pos + 1);
      if (end === -1) fail(`the value of attribute "${name}" is not closed`);
      pos += 1;
      const lt = text.indexOf('<', pos);
      if (lt !== -1 && lt < end) fail(`"<" is not allowed in the value of attribute "${name}"`, lt);
      checkReferences(end);
      element.attributes[name] = text.slice(pos, end);
      pos = end + 1;
    }
  };

  const readElement = (): XmlElement => {
    const first = readStartTag();
    if (first.selfClosing) return first.element;
    const stack: XmlElement[] = [first.element];
    while (stack.length > 0) {
      const open = stack.at(-1)!;
      const lt = text.indexOf('<', pos);
      if (lt === -1) fail(`element <${open.name}> (line ${open.line}) is not closed`, text.length);
      const cdataEnd = text.indexOf(']]>', pos);
      if (cdataEnd !== -1 && cdataEnd < lt) fail('"]]>" is not allowed in character data', cdataEnd);
      checkReferences(lt);
      pos = lt;
      if (text.startsWith('<!--', pos)) readComment();
      else if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos + 9);
        if (end === -1) fail('CDATA section is not closed with ]]>');
        pos = end + 3;
      } else if (text.startsWith('<?', pos)) readProcessingInstruction();
      else if (text.startsWith('<!', pos)) fail('markup declarations (<!DOCTYPE ...>, <!ENTITY ...>) are not allowed in content');
      else if (text.startsWith('</', pos)) {
        pos += 2;
        const nameAt = pos;
        const name = readName('end tag');
        if (name !== open.name) fail(`end tag </${name}> does not match <${open.name}> (line ${open.line})`, nameAt);
        skipSpace();
        if (text[pos] !== '>') fail(`expected ">" to close </${name}>`);
        pos += 1;
        stack.pop();
      } else {
        const child = readStartTag();
        open.children.push(child.element);
        if (!child.selfClosing) stack.push(child.element);
      }
    }
    return first.element;
  };

  const declared = text.startsWith('<?xml', pos) && /[ \t\r\n?]/.test(text[pos + 5] ?? '');
  if (declared && !match(xmlDeclaration)) fail('malformed XML declaration');
  readMisc();
  if (text.startsWith('<!DOCTYPE', pos)) fail('DOCTYPE declarations are not supported');
  if (text[pos] !== '<' || pos >= text.length) fail(pos >= text.length ? 'no root element' : 'text is not allowed before the root element');
  const root = readElement();
  readMisc();
  if (pos < text.length) fail(text[pos] === '<' ? 'only one root element is allowed' : 'text is not allowed after the root element');
  return root;
}

/** The first well-formedness fault of `text` as `line:column: reason`, or undefined when well-formed. */
export function checkXmlWellFormed(text: string): string | undefined {
  try {
    parseXml(text);
    return undefined;
  } catch (error) {
    if (error instanceof XmlWellFormednessError) return error.message;
    throw error;
  }
}

/** Every element below `element` (depth first, document order) with the given name. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...descendants(child, name)]);
}
