import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../src/connectors/text.js';

describe('connectors: HTML entities', () => {
  it('decodes the full HTML5 set, case-sensitively', () => {
    expect(decodeEntities('&bdquo;Acme&ldquo; &ograve; &atilde; &ntilde; &szlig;')).toBe('„Acme“ ò ã ñ ß');
    // Upper case is another character, not a fallback to the lower-case one.
    expect(decodeEntities('&Uuml;ber Acme, &uuml;ber alles')).toBe('Über Acme, über alles');
    expect(decodeEntities('&Eacute;t&eacute; &OElig;uvre &euro;5 &#233; &#x41; &hellip;')).toBe('Été Œuvre €5 é A …');
  });

  it('decodes in one pass: an escaped entity stays an entity', () => {
    expect(decodeEntities('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
    expect(decodeEntities('no entity & here')).toBe('no entity & here');
  });
});

describe('connectors: HTML to text', () => {
  it('keeps the words of inline elements and breaks lines at blocks', () => {
    expect(htmlToText('Acme delivery <b>was</b> late again, <a href="/r">refund</a> please')).toBe('Acme delivery was late again, refund please');
    expect(htmlToText('<p>Acme</p><p>rocks</p>Next<br/>line<ul><li>one</li><li>two</li></ul>')).toBe('Acme\nrocks\nNext\nline\none\ntwo');
    // A browser shows no space at an inline boundary inside a word.
    expect(htmlToText('Ac<b>me</b> parcels')).toBe('Acme parcels');
    expect(htmlToText('<table><tr><td>Acme</td><td>late</td></tr></table>')).toBe('Acme late');
  });

  it('drops scripts, styles and comments, keeps an image alt text, reads "<" as text when it is not a tag', () => {
    expect(htmlToText('<style>p{color:red}</style>Acme<!-- x --> <script>if (a<b) alert(1)</script>is 3 < 4 <img src="x.png" alt="Acme logo">ok')).toBe('Acme is 3 < 4 Acme logo ok');
  });

  it('decodes entities after the tags are out: escaped markup stays text', () => {
    expect(htmlToText('<p>&lt;b&gt; is bold &Uuml;ber 24&nbsp;h</p>')).toBe('<b> is bold Über 24 h');
    expect(htmlToText('<a title="a > b">Acme</a>')).toBe('Acme');
  });
});
