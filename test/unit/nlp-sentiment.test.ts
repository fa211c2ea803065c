import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';

const sentiment = (text: string, hints?: Parameters<typeof analyze>[1]) => analyze(text, hints).sentiment;

describe('analyze: sentiment', () => {
  it.each([
    ['This product is great, I love it', 'en'],
    ['Highly recommend!', 'en'],
    ['Produit génial, je recommande', 'fr'],
    ['Livraison rapide, très contente !', 'fr'],
  ])('positive: %s', (text, lang) => {
    const s = sentiment(text, { lang });
    expect(s.label).toBe('positive');
    expect(s.score).toBeGreaterThan(0.2);
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(s.drivers[0]!.weight).toBeGreaterThan(0);
  });

  it.each([
    ['This is the worst service ever, terrible', 'en'],
    ['The app keeps crashing, useless', 'en'],
    ['Service client nul, je suis très déçu', 'fr'],
    ["C'est une arnaque", 'fr'],
  ])('negative: %s', (text, lang) => {
    const s = sentiment(text, { lang });
    expect(s.label).toBe('negative');
    expect(s.score).toBeLessThan(-0.2);
    expect(s.drivers[0]!.weight).toBeLessThan(0);
  });

  it('keeps score and confidence in range and drivers short and sorted', () => {
    const s = sentiment('Great great great, amazing, awesome, excellent, perfect, superb, fantastic, wonderful, love!!!', { lang: 'en' });
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.score).toBeGreaterThan(0.9);
    expect(s.confidence).toBeLessThanOrEqual(1);
    expect(s.drivers.length).toBeLessThanOrEqual(8);
    const weights = s.drivers.map((d) => Math.abs(d.weight));
    expect([...weights].sort((a, b) => b - a)).toEqual(weights);
  });

  it('neutral for factual text', () => {
    expect(sentiment('The new store opens on Monday at 9', { lang: 'en' }).label).toBe('neutral');
    expect(sentiment('Le nouveau magasin ouvre lundi', { lang: 'fr' }).label).toBe('neutral');
  });

  describe('negation', () => {
    it('English: "not good" is negative, "not bad" is not negative', () => {
      expect(sentiment('not good', { lang: 'en' }).score).toBeLessThan(0);
      expect(sentiment('The food was not good', { lang: 'en' }).label).toBe('negative');
      expect(sentiment("I don't like it", { lang: 'en' }).label).toBe('negative');
      expect(sentiment('not bad at all', { lang: 'en' }).score).toBeGreaterThan(0);
      expect(sentiment('Would not recommend', { lang: 'en' }).label).toBe('negative');
    });

    it('French: "pas bon", "n\'est pas bon", "c\'est pas terrible" are negative', () => {
      expect(sentiment('pas bon', { lang: 'fr' }).label).toBe('negative');
      expect(sentiment("Ce n'est pas bon", { lang: 'fr' }).label).toBe('negative');
      expect(sentiment("c'est pas terrible", { lang: 'fr' }).score).toBeLessThan(0);
      expect(sentiment("Ce n'est pas terrible", { lang: 'fr' }).score).toBeLessThan(0);
      expect(sentiment("Je n'aime pas", { lang: 'fr' }).label).toBe('negative');
      expect(sentiment("J'aime pas du tout", { lang: 'fr' }).label).toBe('negative');
      expect(sentiment('ça ne marche plus', { lang: 'fr' }).label).toBe('negative');
      expect(sentiment('Je ne recommande jamais ce vendeur', { lang: 'fr' }).label).toBe('negative');
    });

    it('French: negated negatives turn positive ("pas mal", "sans problème", "pas cher")', () => {
      expect(sentiment('pas mal du tout', { lang: 'fr' }).label).toBe('positive');
      expect(sentiment('Livré sans problème', { lang: 'fr' }).label).toBe('positive');
      expect(sentiment('pas cher et efficace', { lang: 'fr' }).label).toBe('positive');
      expect(sentiment('Trop cher', { lang: 'fr' }).label).toBe('negative');
    });

    it('French: "ne … que" restricts, it does not negate', () => {
      expect(sentiment("Je n'ai que des éloges", { lang: 'fr' }).label).toBe('positive');
      expect(sentiment("Je n'ai eu que des problèmes", { lang: 'fr' }).label).toBe('negative');
    });

    it('names the negation in the driver', () => {
      expect(sentiment("Ce n'est pas bon", { lang: 'fr' }).drivers[0]!.text).toBe("n'est pas bon");
      expect(sentiment('not good', { lang: 'en' }).drivers[0]!.text).toBe('not good');
    });
  });

  it('intensifiers strengthen and diminishers weaken', () => {
    const plain = sentiment('good', { lang: 'en' }).score;
    expect(sentiment('very good', { lang: 'en' }).score).toBeGreaterThan(plain);
    expect(sentiment('kind of good', { lang: 'en' }).score).toBeLessThan(plain);
    expect(sentiment('très bon', { lang: 'fr' }).score).toBeGreaterThan(sentiment('bon', { lang: 'fr' }).score);
    expect(sentiment('un peu déçu', { lang: 'fr' }).score).toBeGreaterThan(sentiment('déçu', { lang: 'fr' }).score);
    expect(sentiment('vraiment nul', { lang: 'fr' }).score).toBeLessThan(sentiment('nul', { lang: 'fr' }).score);
  });

  it('contrast: the clause after "but"/"mais" weighs more', () => {
    const en = sentiment('great camera but awful battery', { lang: 'en' });
    expect(en.score).toBeLessThan(0);
    expect(['negative', 'mixed']).toContain(en.label);
    expect(sentiment('awful battery but great camera', { lang: 'en' }).score).toBeGreaterThan(0);
    expect(sentiment('Très bon produit mais livraison catastrophique', { lang: 'fr' }).score).toBeLessThan(0);
    expect(sentiment('Great camera. But the battery is awful.', { lang: 'en' }).score).toBeLessThan(0);
  });

  it('mixed when strong positive and negative balance', () => {
    const s = sentiment('Love the design, hate the battery life', { lang: 'en' });
    expect(s.label).toBe('mixed');
    expect(s.drivers.some((d) => d.weight > 1)).toBe(true);
    expect(s.drivers.some((d) => d.weight < -1)).toBe(true);
  });

  it('exclamation marks and capitals amplify', () => {
    const plain = sentiment('great product', { lang: 'en' }).score;
    expect(sentiment('great product!!!', { lang: 'en' }).score).toBeGreaterThan(plain);
    expect(sentiment('GREAT product', { lang: 'en' }).score).toBeGreaterThan(plain);
  });

  it('emoji and emoticons carry tone', () => {
    for (const e of ['😡', '😠', '👎', '😞', ':(']) {
      expect(sentiment(`service client ${e}`, { lang: 'fr' }).label).toBe('negative');
      expect(sentiment(`customer service ${e}`, { lang: 'en' }).label).toBe('negative');
    }
    for (const e of ['😍', '👍', '❤️', '😊', ':)', '👍🏽']) {
      expect(sentiment(`customer service ${e}`, { lang: 'en' }).label).toBe('positive');
      expect(sentiment(`service client ${e}`, { lang: 'fr' }).label).toBe('positive');
    }
    expect(sentiment('😍😍').label).toBe('positive');
    expect(sentiment('👎').label).toBe('negative');
  });

  it('a star rating pulls the score strongly toward it', () => {
    const text = 'Received the package on Tuesday';
    expect(sentiment(text, { lang: 'en' }).label).toBe('neutral');
    expect(sentiment(text, { lang: 'en', rating: 1 }).label).toBe('positive');
    expect(sentiment(text, { lang: 'en', rating: 0 }).label).toBe('negative');
    const mild = sentiment('good', { lang: 'en' }).score;
    const withOneStar = sentiment('good', { lang: 'en', rating: 0 }).score;
    expect(withOneStar).toBeLessThan(mild);
    expect(withOneStar).toBeLessThan(0);
    // out-of-range and non-finite ratings do not break anything
    expect(sentiment(text, { rating: Number.NaN }).label).toBe('neutral');
    expect(sentiment(text, { rating: 7 }).score).toBeLessThanOrEqual(1);
  });
});
