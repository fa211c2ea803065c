// Derivational families (src/nlp/derivations.ts, config/lexicons/derivations-{en,fr}.tsv): what a
// query word expands to, its bounds (one step, at most 12 forms, no function words), and that the
// committed files are what scripts/build-derivations.ts writes from WordNet and the French rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EN_HEADER, englishFamilies, familiesText, FAMILY_MAX, FR_HEADER, frenchFamilies } from '../../scripts/build-derivations.js';
import { derivedForms } from '../../src/nlp/derivations.js';
import { FAMILY_MAX_FORMS, familyForms } from '../../src/nlp/forms.js';
import { lexiconPath } from '../../src/nlp/resources.js';
import { indexedForms } from '../../src/query/forms.js';

describe('derivational families', () => {
  it('English, from WordNet: deliver/delivery, pay/payment, refund, arrive/arrival, cancel/cancellation', () => {
    expect(indexedForms('delivered')).toEqual(expect.arrayContaining(['deliver', 'delivery']));
    expect(indexedForms('deliveries')).toEqual(expect.arrayContaining(['delivery', 'deliver']));
    expect(indexedForms('paid')).toEqual(expect.arrayContaining(['pay', 'payment']));
    expect(indexedForms('payments')).toEqual(expect.arrayContaining(['payment', 'pay']));
    expect(indexedForms('refunded')).toContain('refund');
    expect(indexedForms('arrived')).toEqual(expect.arrayContaining(['arrive', 'arrival']));
    expect(indexedForms('arrival')).toContain('arrive');
    // wink-nlp gives "cancellation" the lemma "cancelation": the family holds the indexed form.
    expect(indexedForms('cancelled')).toEqual(expect.arrayContaining(['cancel', 'cancelation']));
    expect(indexedForms('cancellation')).toContain('cancel');
  });

  it('French, from suffix rules checked on the shipped vocabulary, where the stemmer does not join them', () => {
    expect(indexedForms('livraisons')).toEqual(expect.arrayContaining(['livraison', 'livr']));
    expect(indexedForms('livré')).toEqual(expect.arrayContaining(['livr', 'livraison', 'livreur']));
    expect(indexedForms('livreur')).toContain('livr');
    expect(indexedForms('expédition')).toEqual(expect.arrayContaining(['expedit', 'expedi']));
    // Joined by the stemmer already: one stem.
    expect(indexedForms('remboursement')).toContain('rembours');
    expect(indexedForms('rembourser')).toContain('rembours');
    expect(indexedForms('annulation')).toContain('annul');
    expect(indexedForms('annulée')).toContain('annul');
  });

  it('one step only: "delivery" reaches "deliver" but not "deliverance", which "deliver" reaches', () => {
    expect(derivedForms('en', 'deliver')).toContain('deliverance');
    expect(indexedForms('delivery')).not.toContain('deliverance');
    expect(indexedForms('livraison')).not.toContain('livreur');
  });

  it('no false friends: car is not care, pay is not payload, livraison is not délivrer', () => {
    expect(indexedForms('car')).toEqual(['car']);
    expect(indexedForms('care')).not.toContain('career');
    expect(indexedForms('pay')).not.toContain('payload');
    expect(indexedForms('livraison')).not.toContain('delivr');
  });

  it('function words have no family, and no family is larger than 12 forms', () => {
    for (const word of ['the', 'of', 'be', 'have', 'le', 'de', 'pour', 'est']) {
      expect(familyForms(word).length, word).toBeLessThanOrEqual(2);
    }
    for (const file of ['derivations-en.tsv', 'derivations-fr.tsv']) {
      for (const line of readFileSync(lexiconPath(file), 'utf8').split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        expect(line.split('\t')[1]!.split(',').length, line).toBeLessThanOrEqual(FAMILY_MAX);
      }
    }
    for (const word of ['break', 'order', 'serve', 'light', 'run', 'set', 'deliver', 'livrer']) {
      expect(familyForms(word).length, word).toBeLessThanOrEqual(FAMILY_MAX_FORMS);
    }
  });

  it('the committed files are what npm run derivations writes', () => {
    expect(readFileSync(lexiconPath('derivations-en.tsv'), 'utf8')).toBe(familiesText(englishFamilies(), EN_HEADER));
    expect(readFileSync(lexiconPath('derivations-fr.tsv'), 'utf8')).toBe(familiesText(frenchFamilies(), FR_HEADER));
  }, 120_000);
});
