import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';

describe('analyze: language', () => {
  it.each([
    'love it',
    'Worst app ever',
    'Not happy with my order',
    "where's my package??",
    'The delivery was late again and nobody answered my emails.',
    'I have been a customer for ten years and this is the first time I am really disappointed with the quality of the product.',
  ])('detects English: %s', (text) => {
    const a = analyze(text);
    expect(a.lang).toBe('en');
    expect(a.langConfidence).toBeGreaterThan(0.5);
    expect(a.langConfidence).toBeLessThanOrEqual(1);
  });

  it.each([
    'trop bien',
    'nul',
    'Je suis déçu',
    "C'est pas terrible",
    "L'appli plante",
    'Commande reçue en retard, et le colis était abîmé. Très déçue du service.',
    "Je suis client depuis dix ans et c'est la première fois que je suis vraiment déçu par la qualité du produit.",
  ])('detects French: %s', (text) => {
    const a = analyze(text);
    expect(a.lang).toBe('fr');
    expect(a.langConfidence).toBeGreaterThan(0.5);
  });

  it('is more confident on long text than on a couple of words', () => {
    const short = analyze('love it');
    const long = analyze('I love it, the delivery was fast and the customer service answered all of my questions.');
    expect(long.lang).toBe('en');
    expect(long.langConfidence).toBeGreaterThan(short.langConfidence);
  });

  it.each([
    'El servicio al cliente es muy malo y la entrega tardó mucho',
    'Der Kundenservice ist schlecht und die Lieferung kam zu spät',
    'Служба поддержки ужасная',
    '客服太差了',
  ])('says other for other languages: %s', (text) => {
    expect(analyze(text).lang).toBe('other');
  });

  it('says other for empty text and text without letters', () => {
    for (const text of ['', '   ', '12345 !!!', '😀😀', '\u0000\u0001']) {
      expect(analyze(text).lang).toBe('other');
    }
  });

  it('lets a valid language hint win, in either code form', () => {
    expect(analyze('ok', { lang: 'fr' }).lang).toBe('fr');
    expect(analyze('ok', { lang: 'fra' }).lang).toBe('fr');
    expect(analyze('trop bien', { lang: 'en' }).lang).toBe('en');
    expect(analyze('trop bien', { lang: 'eng' }).lang).toBe('en');
    expect(analyze('trop bien', { lang: 'en-GB' }).langConfidence).toBe(1);
  });

  it('ignores an invalid hint', () => {
    expect(analyze('Je suis très déçu du service', { lang: 'xx-invalid-1' }).lang).toBe('fr');
    expect(analyze('Je suis très déçu du service', { lang: '' }).lang).toBe('fr');
  });

  it('restricts the result to hints.languages', () => {
    expect(analyze('Je suis très déçu du service client', { languages: ['en'] }).lang).toBe('other');
    expect(analyze('The customer service was terrible and slow', { languages: ['fr'] }).lang).toBe('other');
    expect(analyze('Je suis très déçu du service client', { languages: ['fr'] }).lang).toBe('fr');
    // A valid hint outside the allowed languages does not sneak in.
    expect(analyze('great', { lang: 'en', languages: ['fr'] }).lang).toBe('other');
  });
});
