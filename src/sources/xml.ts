// A small tolerant reader for Atom and RSS: elements by name, attributes, CDATA and entities. No DTDs, no recursion.
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return NAMED[code.toLowerCase()] ?? whole;
  });
}

/** The text content of an element's inner XML: CDATA kept verbatim, everything else entity-decoded. */
export function xmlText(inner: string): string {
  return inner
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part.replace(/<[^>]*>/g, ''))))
    .join('');
}

export type XmlElement = { attributes: Record<string, string>; inner: string };

const escapeName = (name: string) => name.replace(/[.:]/g, (c) => `\\${c}`);

/** Every element `name` in `xml` (not nested in itself), with attributes and raw inner XML. */
export function elements(xml: string, name: string): XmlElement[] {
  const pattern = new RegExp(`<${escapeName(name)}(\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${escapeName(name)}\\s*>)`, 'g');
  return [...xml.matchAll(pattern)].map((m) => ({ attributes: attributesOf(m[1] ?? ''), inner: m[2] ?? '' }));
}

function attributesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g))
    out[m[1]!] = decodeEntities(m[3] ?? m[4] ?? '');
  return out;
}

/** The text of the first child element `name`, or null. */
export function childText(xml: string, name: string): string | null {
  const first = elements(xml, name)[0];
  return first ? xmlText(first.inner).trim() : null;
}

/** HTML to plain text: block ends become line breaks, tags dropped, entities decoded, blank runs collapsed. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html.replace(/<br\s*\/?>|<\/p>|<\/li>|<\/div>|<\/h[1-6]>|<\/?[uo]l(\s[^>]*)?>/gi, '\n').replace(/<[^>]*>/g, ''),
  )
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
