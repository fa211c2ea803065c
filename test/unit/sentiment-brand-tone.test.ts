// Issue 16: tone toward each brand of a mention (analysis.sentiment.byBrand), the brands' query
// words that locate them, and the constructed comparative set's figure per language.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import { foldedWords } from '../../src/nlp/normalize.js';
import type { ToneTarget } from '../../src/nlp/sentiment/brand-tone.js';
import { evaluateComparative, heldOutComparativeSetPath } from '../../src/nlp/sentiment/target-eval.js';
import { brandToneTarget, brandToneTargets } from '../../src/streams/brand-targets.js';

const target = (id: string): ToneTarget => ({ id, phrases: [foldedWords(id)] });
const byBrand = (text: string, lang: 'en' | 'fr', ids: string[]) => analyze(text, { lang, targets: ids.map(target) }).sentiment.byBrand;

describe('tone toward each brand', () => {
  it('reads a comparison: the better side positive, the other negative', () => {
    const t = byBrand('Globex is so much better than Acme', 'en', ['Globex', 'Acme'])!;
    expect(t['Globex']!.label).toBe('positive');
    expect(t['Acme']!.label).toBe('negative');
    const w = byBrand('Acme is way worse than Globex', 'en', ['Globex', 'Acme'])!;
    expect(w['Acme']!.label).toBe('negative');
    expect(w['Globex']!.label).toBe('positive');
  });

  it('reads a switch from one brand to another, in French and English', () => {
    const fr = byBrand("J'ai quitté Acme pour Globex, enfin un SAV qui répond", 'fr', ['Acme', 'Globex'])!;
    expect(fr['Acme']!.label).toBe('negative');
    expect(fr['Globex']!.label).toBe('positive');
    const en = byBrand('I switched from Acme to Globex last month', 'en', ['Acme', 'Globex'])!;
    expect(en['Acme']!.label).toBe('negative');
    expect(en['Globex']!.label).toBe('positive');
  });

  it('gives each brand the tone of its own clause', () => {
    const t = byBrand('I love Stark phones but Wayne tablets are a total waste of money', 'en', ['Stark', 'Wayne'])!;
    expect(t['Stark']!.label).toBe('positive');
    expect(t['Wayne']!.label).toBe('negative');
  });

  it('is absent with fewer than two brands, so older readers keep the mention tone', () => {
    expect(analyze('Globex is great', { lang: 'en', targets: [target('Globex')] }).sentiment.byBrand).toBeUndefined();
    expect(analyze('Globex is great', { lang: 'en' }).sentiment.byBrand).toBeUndefined();
  });

  it('gives a brand the text does not spell out the mention tone', () => {
    const a = analyze('Terrible service, never again', { lang: 'en', targets: [target('Acme'), target('Globex')] }).sentiment;
    expect(a.byBrand!['Acme']!.label).toBe(a.label);
    expect(a.byBrand!['Globex']!.label).toBe(a.label);
  });

  it('locates brands by their query words, not by words under NOT or fields', () => {
    const t = brandToneTarget({ id: 'acme', query: '("Acme Bank" OR acmebank OR acm*) AND NOT cartoon AND lang:en' });
    expect(t.phrases).toEqual([['acme', 'bank'], ['acmebank']]);
    expect(t.prefixes).toEqual(['acm']);
    const lookup = brandToneTargets([{ id: 'a', query: 'acme' }, { id: 'g', query: 'globex' }]);
    expect(lookup(['g', 'missing']).map((x) => x.id)).toEqual(['g']);
    const tones = analyze('Acme Bank is worse than Globex', { lang: 'en', targets: [t, { id: 'g', phrases: [['globex']] }] }).sentiment.byBrand!;
    expect(tones['acme']!.label).toBe('negative');
    expect(tones['g']!.label).toBe('positive');
  });
});

describe('comparative set (test/fixtures/sentiment/comparative.jsonl)', () => {
  it('holds at least 100 sentences per language, and per-brand tone beats the mention tone', () => {
    const figures = evaluateComparative();
    for (const f of figures) {
      expect(f.items).toBeGreaterThanOrEqual(100);
      // The mention's tone given to every brand is right for about 40 % of the pairs.
      expect(f.accuracy).toBeGreaterThan(f.mentionToneAccuracy + 0.3);
    }
  });
});

// Constructions of comparison between two brands (brand18), on sentences written for this test
// (other brands and phrasings than both comparative sets): each expectation is the tone a reader
// gives each brand, and fails if the construction is not read.
describe('tone toward each brand: comparative constructions', () => {
  const expectTones = (text: string, lang: 'en' | 'fr', tones: Record<string, string>): void => {
    const t = byBrand(text, lang, Object.keys(tones))!;
    expect(Object.fromEntries(Object.keys(tones).map((id) => [id, t[id]!.label])), text).toEqual(tones);
  };

  it('reads idioms of comparison in both languages', () => {
    expectTones("Fiat can't hold a candle to Opel.", 'en', { Fiat: 'negative', Opel: 'positive' });
    expectTones('Opel runs circles around Fiat.', 'en', { Fiat: 'negative', Opel: 'positive' });
    expectTones("Fiat n'arrive même pas à la cheville d'Opel.", 'fr', { Fiat: 'negative', Opel: 'positive' });
    expectTones("Opel a une longueur d'avance sur Fiat.", 'fr', { Fiat: 'negative', Opel: 'positive' });
  });

  it('reverses a switch the writer regrets, and keeps one not regretted', () => {
    expectTones("Je regrette d'avoir quitté Fiat pour Opel.", 'fr', { Fiat: 'positive', Opel: 'negative' });
    expectTones("Je ne regrette pas d'avoir quitté Fiat pour Opel.", 'fr', { Fiat: 'negative', Opel: 'positive' });
    expectTones('I really regret switching from Fiat to Opel.', 'en', { Fiat: 'positive', Opel: 'negative' });
  });

  it('weighs a concession after a comparison: a verdict wins, another comparison cancels', () => {
    expectTones("Fiat est moins cher qu'Opel mais la finition est lamentable.", 'fr', { Fiat: 'negative', Opel: 'positive' });
    expectTones('Fiat is cheaper than Opel but the build quality is terrible.', 'en', { Fiat: 'negative', Opel: 'positive' });
    expectTones('Fiat is less comfortable than Opel, but it is cheaper.', 'en', { Fiat: 'neutral', Opel: 'neutral' });
  });

  it('reads a neutral clause beside a polar one about another named brand as the opposite', () => {
    expectTones("Fiat's dealer lost our paperwork twice, Opel had the car ready by Friday.", 'en', { Fiat: 'negative', Opel: 'positive' });
    expectTones('Le garage Fiat a perdu nos papiers deux fois, Opel avait la voiture prête vendredi.', 'fr', { Fiat: 'negative', Opel: 'positive' });
    // Not for aspects mentioned in passing, nor for the speaker of reported speech.
    expectTones('The seats were dirty, the menu had four pages.', 'en', { seats: 'negative', menu: 'neutral' });
    expectTones("Fiat's recall was a disaster, Opel said on Monday.", 'en', { Fiat: 'negative', Opel: 'neutral' });
    // Nor when a word says the two are alike: the elliptic clause shares the tone before it.
    expectTones("L'accueil chez Fiat est excellent et celui d'Opel aussi.", 'fr', { Fiat: 'positive', Opel: 'positive' });
  });

  it('reads faint praise conceded before a stronger one as neutral', () => {
    expectTones('Fiat is decent but Opel is much better.', 'en', { Fiat: 'neutral', Opel: 'positive' });
    expectTones("Fiat c'est correct, mais Opel c'est génial.", 'fr', { Fiat: 'neutral', Opel: 'positive' });
  });

  it('reads comparatives without a second term, multipliers, and "que" as a conjunction', () => {
    expectTones('Fiat a fermé son atelier et Opel fait mieux.', 'fr', { Fiat: 'negative', Opel: 'positive' });
    expectTones('Fiat costs twice as much as Opel.', 'en', { Fiat: 'negative', Opel: 'positive' });
    expectTones("Fiat était très bien jusqu'à ce que j'essaie Opel, encore mieux.", 'fr', { Fiat: 'positive', Opel: 'positive' });
  });

  it('reads verdict constructions of service and prices', () => {
    expectTones('Fiat let me down again, Opel never has.', 'en', { Fiat: 'negative', Opel: 'positive' });
    expectTones("Fiat m'a dépanné en une heure, Opel m'a laissé tomber.", 'fr', { Fiat: 'positive', Opel: 'negative' });
    expectTones('Fiat augmente ses tarifs et Opel les baisse.', 'fr', { Fiat: 'negative', Opel: 'positive' });
    expectTones('Fiat raised its prices again and Opel lowered them.', 'en', { Fiat: 'negative', Opel: 'positive' });
  });
});

describe('comparative sets: per-brand tone reaches 85 % in each language (shipped model)', () => {
  it('on the development and the held-out set', () => {
    for (const f of [...evaluateComparative(), ...evaluateComparative(heldOutComparativeSetPath())]) expect(f.accuracy, `${f.lang}`).toBeGreaterThanOrEqual(0.85);
  });
});
