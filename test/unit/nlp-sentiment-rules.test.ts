// The sentiment rules, in English and French, through analyze() (lexicons + rules + the shipped
// model): behaviour only. The figures on whole data sets come from `npm run eval:sentiment`.
import { describe, expect, it } from 'vitest';
import { analyze, readText } from '../../src/nlp/analyze.js';
import { ruleOnlySentiment, ruleSentiment } from '../../src/nlp/sentiment.js';
import { sentimentFeatures } from '../../src/nlp/sentiment/features.js';
import { getModel } from '../../src/nlp/sentiment/model.js';

const s = (text: string, lang: string) => analyze(text, { lang }).sentiment;
const score = (text: string, lang: string) => s(text, lang).score;
const label = (text: string, lang: string) => s(text, lang).label;

describe('sentiment rules: negation', () => {
  it.each([
    ['This is not great', 'en'],
    ['Would not recommend', 'en'],
    ["isn't worth it", 'en'],
    ['I have never been happy with this', 'en'],
    ['Je ne recommande pas ce produit', 'fr'],
    ["Ce n'est pas terrible", 'fr'],
    // spoken French drops "ne"
    ["c'est pas top", 'fr'],
    ['je recommande pas', 'fr'],
    ["j'aime pas du tout ce produit", 'fr'],
    // bare "jamais", "aucun", "sans"
    ['jamais satisfait de ce service', 'fr'],
    ['aucun intérêt', 'fr'],
    ['sans intérêt', 'fr'],
  ])('negated positive is negative: %s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });

  it.each([
    ['not bad at all', 'en'],
    ['I have never been happier', 'en'],
    ['without any issue', 'en'],
    ['pas mal du tout', 'fr'],
    ['Aucun problème avec la livraison', 'fr'],
    ['Livraison sans souci, parfait', 'fr'],
    ["on n'est jamais déçu", 'fr'],
  ])('negated negative is not negative: %s', (text, lang) => {
    expect(score(text, lang)).toBeGreaterThan(0);
    expect(label(text, lang)).not.toBe('negative');
  });

  it('the scope of a negation is short: what follows a comma is not negated', () => {
    expect(label('not cheap, but excellent quality', 'en')).toBe('positive');
    expect(label("ce n'est pas donné, mais c'est excellent", 'fr')).toBe('positive');
  });

  it('marks negated words for the model ("NOT_"), "ne … pas" and bare "pas" alike', () => {
    const names = (text: string, lang: 'en' | 'fr') => {
      const { tokens } = readText(text, { lang });
      return sentimentFeatures(tokens, lang, ruleSentiment(tokens, lang)).names;
    };
    expect(names('this is not good', 'en')).toContain('en:NOT_good');
    expect(names("ce n'est pas bon", 'fr')).toContain('fr:NOT_bon');
    expect(names("c'est pas bon", 'fr')).toContain('fr:NOT_bon');
    expect(names('this is good', 'en')).toContain('en:good');
    expect(names('this is good', 'en')).not.toContain('en:NOT_good');
  });
});

describe('sentiment rules: intensifiers and diminishers', () => {
  it.each([
    ['extremely good', 'good', 'en'],
    ['really bad', 'bad', 'en'],
    ['très bien', 'bien', 'fr'],
    ['vraiment décevant', 'décevant', 'fr'],
  ])('"%s" is stronger than "%s"', (strong, plain, lang) => {
    expect(Math.abs(score(strong, lang))).toBeGreaterThan(Math.abs(score(plain, lang)));
    expect(Math.sign(score(strong, lang))).toBe(Math.sign(score(plain, lang)));
  });

  it.each([
    ['slightly disappointing', 'disappointing', 'en'],
    ['un peu déçu', 'déçu', 'fr'],
  ])('"%s" is weaker than "%s"', (weak, plain, lang) => {
    expect(Math.abs(score(weak, lang))).toBeLessThan(Math.abs(score(plain, lang)));
  });
});

describe('sentiment rules: contrast', () => {
  it('the clause after but/mais decides', () => {
    expect(label('It looks nice but it broke after two days', 'en')).toBe('negative');
    expect(label('It broke after two days but support replaced it quickly and they were great', 'en')).toBe('positive');
    expect(label('Le produit est joli mais il est tombé en panne', 'fr')).toBe('negative');
    expect(label('Il est tombé en panne mais le SAV a été super', 'fr')).toBe('positive');
  });

  it('a strong positive and a strong negative that balance are mixed, with both drivers', () => {
    const m = s('Love the design, hate the battery life', 'en');
    expect(m.label).toBe('mixed');
    expect(m.drivers.some((d) => d.weight > 0)).toBe(true);
    expect(m.drivers.some((d) => d.weight < 0)).toBe(true);
  });
});

describe('sentiment rules: emoji, emoticons, exclamation', () => {
  it.each([
    ['😡😡', 'fr', 'negative'],
    ['nul 👎', 'fr', 'negative'],
    [':(', 'en', 'negative'],
    ['Merci 🙏😍', 'fr', 'positive'],
    ['Thanks ❤️', 'en', 'positive'],
  ])('%s (%s) is %s', (text, lang, expected) => {
    expect(label(text, lang)).toBe(expected);
    expect(s(text, lang).drivers.length).toBeGreaterThan(0);
  });

  it('a repeated emoji adds less and less', () => {
    const one = s('😡', 'en').drivers[0]!.weight;
    const three = s('😡😡😡', 'en').drivers[0]!.weight;
    expect(three).toBeLessThan(one);
    expect(three).toBeGreaterThan(3 * one);
  });

  it('exclamation marks strengthen their sentence (rules), and never turn its tone', () => {
    const rules = (text: string, lang: 'en' | 'fr') => {
      const { tokens } = readText(text, { lang });
      return ruleOnlySentiment(tokens, lang).score;
    };
    expect(rules('Génial !!!', 'fr')).toBeGreaterThan(rules('Génial', 'fr'));
    expect(rules('terrible service!!!', 'en')).toBeLessThan(rules('terrible service', 'en'));
    expect(score('terrible service!!!', 'en')).toBeLessThan(score('terrible service', 'en'));
    expect(label('Génial !!!', 'fr')).toBe('positive');
    expect(label('Service client nul !!!', 'fr')).toBe('negative');
  });
});

describe('sentiment: rating', () => {
  it('a star rating outweighs lukewarm text, in both languages', () => {
    expect(label('Colis reçu mardi', 'fr')).toBe('neutral');
    expect(analyze('Colis reçu mardi', { lang: 'fr', rating: 1 }).sentiment.label).toBe('positive');
    expect(analyze('It arrived yesterday', { lang: 'en', rating: 0 }).sentiment.label).toBe('negative');
    expect(analyze('It arrived yesterday', { lang: 'en', rating: 0 }).sentiment.drivers[0]!.text).toBe('(rating)');
  });

  it('a mid rating leaves the text to speak', () => {
    expect(analyze('Excellent, je recommande', { lang: 'fr', rating: 0.5 }).sentiment.label).toBe('positive');
    expect(analyze('Awful, broke on day one', { lang: 'en', rating: 0.5 }).sentiment.label).toBe('negative');
  });
});

describe('sentiment: model', () => {
  it('ships a model, loaded once', () => {
    const m = getModel();
    expect(m).not.toBeNull();
    expect(getModel()).toBe(m);
    // Issue 16: the hashed model (weights by bucket) or the older named one (weights by feature).
    expect(m!.kind === 'hashed' ? m!.W.length : m!.weights.size).toBeGreaterThan(100);
  });

  it('stays in range with a confidence that is a probability', () => {
    for (const [text, lang] of [['great', 'en'], ['bof', 'fr'], ['The store opens at 9', 'en'], ['ok', 'fr']] as const) {
      const r = s(text, lang);
      expect(r.score).toBeGreaterThanOrEqual(-1);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.confidence).toBeGreaterThan(0.3);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('labels agree with the sign of the score', () => {
    for (const [text, lang] of [['Super produit', 'fr'], ['Service nul', 'fr'], ['works great', 'en'], ['stopped working', 'en']] as const) {
      const r = s(text, lang);
      if (r.label === 'positive') expect(r.score).toBeGreaterThan(0);
      if (r.label === 'negative') expect(r.score).toBeLessThan(0);
    }
  });
});

describe('sentiment lexicons: review vocabulary', () => {
  it.each([
    ['The fries were soggy and the bread was stale.', 'en'],
    ['Overrated and underwhelming.', 'en'],
    ['The service went downhill, never going back.', 'en'],
    ['The plot was tedious and the acting amateurish.', 'en'],
    ['I fell asleep halfway through.', 'en'],
    ['It malfunctioned after a week.', 'en'],
    ['Un vrai navet, à fuir.', 'fr'],
    ['Série longuette et soporifique.', 'fr'],
    ['Un scénario tiré par les cheveux, surjoué.', 'fr'],
    ["C'est affligeant.", 'fr'],
  ])('negative review: %s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });

  it.each([
    ['The dessert was to die for.', 'en'],
    ['Highly recommend this place.', 'en'],
    ['Well worth the price, a real gem.', 'en'],
    ['A masterpiece, phenomenal acting.', 'en'],
    ['The steak was cooked to perfection.', 'en'],
    ['Un chef-d’œuvre, à voir absolument.', 'fr'],
    ['Coup de cœur pour cette série, jubilatoire.', 'fr'],
    ['Acteurs attachants, scénario bien ficelé.', 'fr'],
    ["C'est trop bien !", 'fr'],
    ['On ne s’ennuie pas une seconde.', 'fr'],
  ])('positive review: %s', (text, lang) => {
    expect(label(text, lang)).toBe('positive');
  });

  it('a phrase does not swallow a following opinion word: "not very helpful", "kept me waiting"', () => {
    expect(label('not very helpful', 'en')).toBe('negative');
    expect(score('They kept me waiting', 'en')).toBeLessThan(0.3);
    expect(label("c'est pas trop bien", 'fr')).toBe('negative');
  });
});
