import { describe, expect, it } from 'vitest';
import { checkXmlWellFormed, descendants, parseXml, XmlWellFormednessError } from '../../support/xmlWellFormed.js';

describe('the XML well-formedness checker', () => {
  it('accepts a document using every construct the configuration may use', () => {
    const text = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!-- a comment - with a dash -->',
      '<document type="freeswitch/xml">',
      '  <?target some data?>',
      "  <param name='a' value=\"x &amp; y &lt;z&gt; &#65;&#x42; &quot;q&quot; &apos;\"/>",
      '  <text>a &amp; b <![CDATA[ <raw> & ]] ]]></text>',
      '  <X-PRE-PROCESS cmd="include" data="autoload_configs/*.xml"/>',
      '  <empty></empty >',
      '</document>',
      '<!-- trailing comment -->',
      '',
    ].join('\n');

    expect(checkXmlWellFormed(text)).toBeUndefined();
    const root = parseXml(text);
    expect(root.name).toBe('document');
    expect(root.children.map((child) => child.name)).toEqual(['param', 'text', 'X-PRE-PROCESS', 'empty']);
    expect(root.children[0]?.attributes).toEqual({ name: 'a', value: 'x &amp; y &lt;z&gt; &#65;&#x42; &quot;q&quot; &apos;' });
    expect(root.children[2]?.line).toBe(7);
    expect(descendants(root, 'X-PRE-PROCESS').map((element) => element.attributes.cmd)).toEqual(['include']);
  });

  it.each([
    ['a mismatched end tag', '<a>\n  <b></c>\n</a>', '2:8', 'does not match <b>'],
    ['an unclosed element', '<a><b></b>', '1:11', '<a> (line 1) is not closed'],
    ['an unquoted attribute value', '<a name=x/>', '1:9', 'must be quoted'],
    ['an attribute without a value', '<a checked/>', '1:11', 'expected "="'],
    ['a duplicated attribute', '<a x="1" x="2"/>', '1:10', 'appears twice'],
    ['attributes without whitespace between them', '<a x="1"y="2"/>', '1:9', 'expected whitespace'],
    ['"<" in an attribute value', '<a x="1<2"/>', '1:8', '"<" is not allowed'],
    ['a bare ampersand in text', '<a>fish & chips</a>', '1:9', 'entity reference'],
    ['an unknown entity', '<a>&nbsp;</a>', '1:4', 'entity reference'],
    ['a reference to a non-XML character', '<a>&#0;</a>', '1:4', 'not an XML character'],
    ['"--" inside a comment', '<a><!-- x -- y --></a>', '1:11', '"--" is not allowed'],
    ['a comment ending in --->', '<a><!-- x ---></a>', '1:11', 'may not end with'],
    ['an unclosed comment', '<a><!-- x </a>', '1:4', 'not closed with -->'],
    ['two root elements', '<a/><b/>', '1:5', 'only one root element'],
    ['text after the root element', '<a/>x', '1:5', 'text is not allowed after'],
    ['no root element', '<!-- only a comment -->', '1:24', 'no root element'],
    ['an XML declaration that is not first', '<a><?xml version="1.0"?></a>', '1:4', 'only allowed at the very start'],
    ['a malformed XML declaration', '<?xml version=1.0?><a/>', '1:1', 'malformed XML declaration'],
    ['a DOCTYPE', '<!DOCTYPE a><a/>', '1:1', 'DOCTYPE'],
    ['"]]>" in text', '<a>x ]]> y</a>', '1:6', '"]]>" is not allowed'],
    ['a control character', '<a>\u0001</a>', '1:4', 'U+1 is not allowed'],
    ['an element name starting with a digit', '<1a/>', '1:2', 'expected element name'],
  ])('rejects %s', (_, text, position, reason) => {
    const fault = checkXmlWellFormed(text);
    expect(fault).toContain(reason);
    expect(fault?.slice(0, fault.indexOf(': '))).toBe(position);
    expect(() => parseXml(text)).toThrow(XmlWellFormednessError);
  });
});
