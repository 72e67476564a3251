// A strict XML parse for tests: xmldom builds the namespaced DOM, and the few well-formedness rules it lets through
// (characters outside XML 1.0's Char production, bare "&") are checked first, so "parses" means well-formed.
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const BARE_AMPERSAND = /&(?!(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9A-Fa-f]+);)/;

const isXmlChar = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

export function parseXml(text: string): Document {
  const problems: string[] = [];
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) problems.push(`character ${JSON.stringify(bad[0])} at ${bad.index}`);
  const bare = BARE_AMPERSAND.exec(text);
  if (bare) problems.push(`bare "&" at ${bare.index}`);
  for (const ref of text.matchAll(/&#(x[0-9A-Fa-f]+|\d+);/g)) {
    const code = ref[1]!.startsWith('x') ? parseInt(ref[1]!.slice(1), 16) : parseInt(ref[1]!, 10);
    if (!isXmlChar(code)) problems.push(`character reference ${ref[0]}`);
  }
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ onError: (level, message) => void problems.push(`${level}: ${message}`) }).parseFromString(
      text,
      'application/xml',
    );
  } catch (error) {
    problems.push(String(error));
  }
  if (problems.length > 0 || !doc) throw new Error(`not well-formed XML: ${problems.join('; ')}`);
  return doc;
}

/** Direct children of `parent` with this namespace and local name. */
export function children(parent: Element | Document, ns: string, name: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === name,
  );
}

export function childText(parent: Element, ns: string, name: string): string | undefined {
  return children(parent, ns, name)[0]?.textContent ?? undefined;
}
