// The strict XML helper rejects what a feed reader would: bad characters, bare ampersands, broken nesting.
import { describe, expect, it } from 'vitest';
import { parseXml } from './xml.ts';

describe('parseXml', () => {
  it('accepts well-formed XML with entities and character references', () => {
    expect(parseXml('<a>x &amp; &#10; &#x41; &lt;y&gt;</a>').documentElement!.textContent).toBe('x & \n A <y>');
  });

  it.each([
    ['a control character', '<a>x\u0001y</a>'],
    ['a bare ampersand', '<a>x & y</a>'],
    ['a reference to a forbidden character', '<a>&#1;</a>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['an unknown entity', '<a>&foo;</a>'],
    ['two root elements', '<a/><b/>'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseXml(text)).toThrow(/not well-formed XML/);
  });
});
