import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import { englishLemma, frenchStem, termForms } from '../../src/nlp/forms.js';
import { fold } from '../../src/nlp/normalize.js';

describe('analyze: tokens, lemmas and terms', () => {
  it('lemmatizes English with wink ("deliveries" → "delivery")', () => {
    const a = analyze('The deliveries were late', { lang: 'en' });
    expect(a.lemmas).toContain('delivery');
    expect(a.tokens).toBe(4);
  });

  it('gives a word the same lemma wherever it stands, as englishLemma does for a query word', () => {
    // wink tags a capitalized first word as a proper noun; the index form must not depend on that
    expect(analyze('Deliveries were late', { lang: 'en' }).lemmas[0]).toBe('delivery');
    expect(englishLemma('Deliveries')).toBe('delivery');
    expect(analyze("I can't log in", { lang: 'en' }).lemmas).toEqual(['i', 'can', 'not', 'log', 'in']);
  });

  it('counts terms named like Object.prototype keys as any other term', () => {
    const terms = analyze('The constructor called the constructor: valueOf toString', { lang: 'en' }).terms;
    expect(terms['constructor']).toBe(2);
    expect(terms['tostring']).toBe(1);
    expect(JSON.parse(JSON.stringify(terms))).toEqual({ constructor: 2, valueof: 1, tostring: 1, 'valueof tostring': 1 });
  });

  it('stems French with natural ("Livraisons" and "livraison" share a stem)', () => {
    const plural = analyze('Livraisons rapides', { lang: 'fr' });
    const singular = analyze('livraison rapide', { lang: 'fr' });
    expect(plural.lemmas[0]).toBe(singular.lemmas[0]);
    expect(plural.lemmas[0]).toBe('livraison');
  });

  it('keeps accents in French lemmas and agrees with frenchStem once folded', () => {
    const a = analyze('Très déçue de la qualité', { lang: 'fr' });
    expect(a.lemmas).toContain('déçu');
    for (const w of ['déçue', 'qualité', 'Livraisons']) {
      const lemma = analyze(w, { lang: 'fr' }).lemmas[0]!;
      expect(fold(lemma)).toBe(frenchStem(w));
    }
    expect(termForms('deliveries')).toContain(englishLemma('delivery'));
  });

  it('splits French elisions before tokenizing', () => {
    const a = analyze("L'application n'est pas terrible, j'attends qu'ils répondent", { lang: 'fr' });
    expect(a.lemmas.slice(0, 4)).toEqual(['le', 'appliqu', 'ne', 'est']);
    expect(a.lemmas).toContain('je');
    expect(a.lemmas).toContain('que');
    expect(a.terms['appliqu']).toBe(1);
  });

  it('takes stop words, numbers and one-letter words out of terms, keeps them out of nothing else', () => {
    const a = analyze('The customer service is a joke and I waited 3 hours', { lang: 'en' });
    expect(a.terms).not.toHaveProperty('the');
    expect(a.terms).not.toHaveProperty('is');
    expect(a.terms).not.toHaveProperty('and');
    expect(a.terms).not.toHaveProperty('i');
    expect(a.terms).not.toHaveProperty('3');
    expect(a.terms['customer']).toBe(1);
    expect(a.terms['hour']).toBe(1);
    // lemmas keep every word, so a search for a stop word still finds the mention
    expect(a.lemmas).toContain('the');
  });

  it('keeps the surface form of each term whose key is a stem or lemma, for labels ("service client", not "servic client")', () => {
    const fr = analyze('Le service client ne répond jamais. Services clients absents, service client nul.', { lang: 'fr' });
    const stem = frenchStem('service');
    expect(stem).not.toBe('service');
    const bigram = `${stem} ${frenchStem('client')}`;
    expect(fr.terms[bigram]).toBe(3);
    // The first form written in the mention; the stores pick the most frequent over mentions.
    expect(fr.labels?.[bigram]).toBe('service client');
    expect(fr.labels?.[stem]).toBe('service');
    const en = analyze('Two deliveries arrived broken, customer service delivered nothing.', { lang: 'en' });
    expect(en.labels?.['delivery']).toBe('deliveries');
    // A term written as its key needs no label: documents stay small.
    expect(en.labels && Object.hasOwn(en.labels, 'broken')).toBe(false);
    expect(en.labels && Object.hasOwn(en.labels, 'customer service')).toBe(false);
    for (const key of Object.keys(fr.labels ?? {})) expect(fr.terms[key]).toBeGreaterThan(0);
  });

  it('counts bigrams of adjacent content words', () => {
    const en = analyze('Customer service was rude. Customer service never called back.', { lang: 'en' });
    expect(en.terms['customer service']).toBe(2);
    expect(en.terms['customer']).toBe(2);
    const fr = analyze('Le service client est injoignable', { lang: 'fr' });
    const key = `${fr.lemmas[1]} ${fr.lemmas[2]}`;
    expect(key).toBe('servic client');
    expect(fr.terms[key]).toBe(1);
    // no bigram across punctuation or a stop word
    const split = analyze('great service, customer first', { lang: 'en' });
    expect(split.terms).not.toHaveProperty('service customer');
  });

  it('normalizes HTML entities, apostrophes, URLs, handles, hashtags and elongations', () => {
    const a = analyze('It&#39;s sooo slow @acme_support https://example.com/x?y=1 #CustomerService &amp; more', { lang: 'en' });
    expect(a.lemmas).not.toContain('acme_support');
    expect(a.lemmas.join(' ')).not.toMatch(/http|example/);
    expect(a.lemmas).toContain('customer');
    expect(a.lemmas).toContain('service');
    expect(a.lemmas).toContain('so');
    expect(a.terms['customer service']).toBe(1);
    const fr = analyze('C’est l’appli qu’il me faut', { lang: 'fr' });
    expect(fr.lemmas.slice(0, 4)).toEqual(['ce', 'est', 'le', 'appli']);
  });

  it('returns semantic fields on the same lemmas (details in nlp-fields.test.ts)', () => {
    expect(analyze('Great products', { lang: 'en' }).fields).toMatchObject({ product: { hits: 1 } });
  });
});
