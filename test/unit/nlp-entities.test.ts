// The clean-up before analysis decodes the whole HTML5 entity set, case-sensitive, the way the
// connectors do: text from an API that left entities in must not keep them as words.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import { decodeEntities } from '../../src/nlp/normalize.js';

describe('decodeEntities before analysis', () => {
  it('decodes names outside a hand-made list, and keeps their case', () => {
    expect(decodeEntities('&bdquo;Gut&ldquo; &ograve; &atilde; &ntilde; &szlig;')).toBe('„Gut“ ò ã ñ ß');
    expect(decodeEntities('&Uuml;ber &uuml;ber')).toBe('Über über');
    expect(decodeEntities('caf&eacute; &#233; &#xE9;')).toBe('café é é');
  });

  it('turns control characters written as references into a space', () => {
    expect(decodeEntities('a&#1;b&#0;c')).toBe('a b c');
  });

  it('analysis sees the decoded word, not the entity', () => {
    const { lemmas } = analyze('Die Stra&szlig;e and the sm&ouml;rg&aring;sbord', { lang: 'en' });
    expect(lemmas.join(' ')).not.toMatch(/szlig|ouml|aring/);
  });
});
