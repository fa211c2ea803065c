import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { RawMention } from '../../src/core/types.js';
import { analyze } from '../../src/nlp/analyze.js';
import { brandFieldSets, fieldSetWith, shippedFields, type FieldOverrides } from '../../src/nlp/fields.js';
import { analyzeMention } from '../../src/streams/analyze.js';
import { brandMatcher } from '../../src/streams/brands.js';

const fields = (text: string, lang: 'en' | 'fr', hints: Parameters<typeof analyze>[1] = {}) => analyze(text, { lang, ...hints }).fields;

const PERSONALITY = ['sincerity', 'excitement', 'competence', 'sophistication', 'ruggedness'];
const ASPECTS = ['price', 'quality', 'product', 'service_support', 'delivery', 'ethics_environment', 'innovation', 'trust_security'];

describe('semantic fields: the shipped lexicons', () => {
  it('cover the five personality dimensions and the review aspects, at least 40 entries each per language', () => {
    const set = shippedFields();
    expect(set.names).toEqual(expect.arrayContaining([...PERSONALITY, ...ASPECTS]));
    for (const name of [...PERSONALITY, ...ASPECTS]) {
      const at = set.lists.labels.indexOf(name);
      expect(set.lists.en.counts[at], `${name} en`).toBeGreaterThanOrEqual(40);
      expect(set.lists.fr.counts[at], `${name} fr`).toBeGreaterThanOrEqual(40);
    }
    for (const name of set.names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it.each([
    ['sincerity', 'Such an honest, down-to-earth family business', 'Une entreprise familiale honnête et chaleureuse'],
    ['excitement', 'The new ad is bold and exciting', 'Une pub audacieuse, vraiment originale'],
    ['competence', 'A very professional and reliable team', 'Équipe très professionnelle et fiable'],
    ['sophistication', 'Elegant, luxurious and classy', 'Un style élégant et raffiné, très haut de gamme'],
    ['ruggedness', 'Rugged and waterproof, made for hiking', 'Robuste et étanche, idéal pour la randonnée'],
    ['price', 'Way too expensive, a total rip-off', 'Beaucoup trop cher, hors de prix'],
    ['quality', 'Poor quality, it broke down after a week', "Mauvaise qualité, tombé en panne au bout d'une semaine"],
    ['product', 'The battery life and the screen are great', "L'autonomie de la batterie et l'écran sont top"],
    ['service_support', 'Customer support never answered my emails', 'Le SAV ne répond jamais aux mails'],
    ['delivery', 'My order was shipped late and the parcel arrived damaged', 'Colis livré en retard, le livreur était désagréable'],
    ['ethics_environment', 'They claim to be sustainable but it is pure greenwashing', "Ils se disent écolos, c'est du greenwashing"],
    ['innovation', 'Truly innovative, state-of-the-art technology', 'Vraiment innovant, à la pointe de la technologie'],
    ['trust_security', 'Scam! They sold my personal data', 'Arnaque, ils ont revendu mes données personnelles'],
  ])('%s, in English and French', (field, en, fr) => {
    expect(fields(en, 'en')[field]?.hits, en).toBeGreaterThanOrEqual(1);
    expect(fields(fr, 'fr')[field]?.hits, fr).toBeGreaterThanOrEqual(1);
  });

  it('counts a multi-word entry once, not also its words ("customer service", "service client")', () => {
    expect(fields('The customer service was helpful', 'en')).toMatchObject({ service_support: { hits: 2 } }); // customer service + helpful
    expect(fields('Customer service', 'en').service_support!.hits).toBe(1);
    expect(fields('Le service client', 'fr').service_support!.hits).toBe(1);
    expect(fields('Service après-vente', 'fr').service_support!.hits).toBe(1);
    expect(fields('service apres vente', 'fr').service_support!.hits).toBe(1);
    // punctuation between the words breaks a phrase, except a glued slash or hyphen
    expect(fields('Excellent rapport qualité/prix', 'fr')).toEqual({ price: { hits: 1, tone: expect.any(Number) } });
    expect(fields('Un rapport qualité prix correct', 'fr').price!.hits).toBe(1);
  });

  it('matches inflected and unaccented forms on lemmas and stems', () => {
    expect(fields('Deliveries were slow', 'en').delivery!.hits).toBe(1);
    expect(fields('They delivered it to the wrong door', 'en').delivery!.hits).toBe(1);
    expect(fields('Great prices', 'en').price!.hits).toBe(1);
    expect(fields('Livraisons rapides', 'fr').delivery!.hits).toBe(1);
    expect(fields('LIVRAISON RAPIDE', 'fr').delivery!.hits).toBe(1);
    expect(fields('La qualite laisse a desirer', 'fr').quality!.hits).toBe(1);
    expect(fields('Produits abîmés', 'fr')).toMatchObject({ product: { hits: 1 }, quality: { hits: 1 } });
  });

  it('does not take a word for another that shares its stem or lemma', () => {
    // "livré" (delivered) and "livre" (book) share the stem "livr": delivery lists the exact forms
    expect(fields("J'ai lu un livre", 'fr')).toEqual({});
    expect(fields('Colis livré', 'fr').delivery!.hits).toBe(2);
    // "abordable" and "d'abord" share "abord"; "environnement" is not "environ"
    expect(fields("D'abord, il fait environ 20 degrés", 'fr')).toEqual({});
    // "in order to" is ignored, "later" is not "late"
    expect(fields('I need it in order to work, I will check later', 'en')).toEqual({});
  });

  it('gives empty, garbage and other-language text no fields', () => {
    expect(analyze('').fields).toEqual({});
    expect(analyze('   \n\t ').fields).toEqual({});
    expect(analyze('\u0000\uFFFE\uD800 ##### 12345 ?!?!').fields).toEqual({});
    expect(analyze('zzzz qqqq xkcd', { lang: 'en' }).fields).toEqual({});
    expect(analyze('Der Kundenservice war schrecklich und die Lieferung kam zu spät', { languages: ['en', 'fr'] }).lang).toBe('other');
    expect(analyze('Der Kundenservice war schrecklich und die Lieferung kam zu spät', { languages: ['en', 'fr'] }).fields).toEqual({});
  });
});

describe('semantic fields: the tone of the clause that holds each hit', () => {
  it('splits on contrast: "great quality but awful delivery" is positive on one field, negative on the other', () => {
    const en = fields('Great quality but the delivery was awful', 'en');
    expect(en.quality!.tone).toBeGreaterThan(0.2);
    expect(en.delivery!.tone).toBeLessThan(-0.2);
  });

  it('splits French on "mais": delivery positive, customer service negative', () => {
    const fr = fields('La livraison était rapide mais le service client est nul', 'fr');
    expect(fr.delivery!.tone).toBeGreaterThan(0.1);
    expect(fr.service_support!.tone).toBeLessThan(-0.2);
  });

  it('splits on sentences, semicolons and commas', () => {
    const commas = fields('The customer service was great, delivery slow', 'en');
    expect(commas.service_support!.tone).toBeGreaterThan(0.2);
    expect(commas.delivery!.tone).toBeLessThan(-0.2);
    const sentences = fields("Prix correct, c'est bien. La livraison, en revanche, une catastrophe !", 'fr');
    expect(sentences.price!.tone).toBeGreaterThan(0);
    expect(sentences.delivery!.tone).toBeLessThan(-0.2);
    const semicolon = fields('Horrible packaging; the price is fantastic', 'en');
    expect(semicolon.product!.tone).toBeLessThan(-0.2);
    expect(semicolon.price!.tone).toBeGreaterThan(0.2);
  });

  it('gives a part of a sentence without a tone word the tone of its clause', () => {
    // "La livraison" has no tone of its own: it takes that of "…, parfaite"
    expect(fields('La livraison, comme prévu, parfaite', 'fr').delivery!.tone).toBeGreaterThan(0.2);
  });

  it('averages the tones of several hits of a field and counts them', () => {
    const f = fields('The camera is amazing but the battery is terrible', 'en');
    expect(f.product!.hits).toBe(2);
    expect(Math.abs(f.product!.tone)).toBeLessThan(0.5);
  });

  it('reads negation inside the clause', () => {
    expect(fields('The delivery was not good', 'en').delivery!.tone).toBeLessThan(0);
    expect(fields("La livraison n'était pas rapide", 'fr').delivery!.tone).toBeLessThan(0);
  });

  it('gives a clause without tone words the mention\'s tone when it is the whole mention, else half the rating', () => {
    // one clause: the mention's own score, which the star rating pulls
    const alone = analyze('Delivered on a Tuesday', { lang: 'en', rating: 0 });
    expect(alone.fields.delivery!.tone).toBe(alone.sentiment.score);
    expect(alone.fields.delivery!.tone).toBeLessThan(-0.3);
    expect(fields('Delivered on a Tuesday', 'en', { rating: 1 }).delivery!.tone).toBeGreaterThan(0.3);
    // several clauses: half the rating's tone, 0 without a rating
    expect(fields('Great price. Delivered on a Tuesday.', 'en', { rating: 0 }).delivery!.tone).toBe(-0.5);
    expect(fields('Great price. Delivered on a Tuesday.', 'en', { rating: 1 }).delivery!.tone).toBe(0.5);
    expect(fields('Great price. Delivered on a Tuesday.', 'en').delivery!.tone).toBe(0);
    // a clause with its own tone keeps it whatever the rating
    expect(fields('Delivery was fast and perfect', 'en', { rating: 0 }).delivery!.tone).toBeGreaterThan(0);
  });

  it('keeps tones in -1..1 and the output JSON-stable', () => {
    const a = analyze('Worst worst worst delivery ever!!! Awful, horrible, terrible, disgusting service 😡😡😡', { lang: 'en' });
    for (const f of Object.values(a.fields)) {
      expect(f.tone).toBeGreaterThanOrEqual(-1);
      expect(f.tone).toBeLessThanOrEqual(1);
      expect(Number.isInteger(f.hits)).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(a.fields))).toEqual(a.fields);
  });
});

describe('semantic fields: brand additions and overrides', () => {
  it('adds a field', () => {
    const set = fieldSetWith([{ barista_app: { en: ['app', 'bluetooth'], fr: ['appli'] } }]);
    expect(fields('The app keeps losing bluetooth', 'en', { fields: set }).barista_app).toMatchObject({ hits: 2 });
    expect(fields("L'appli plante sans arrêt", 'fr', { fields: set }).barista_app).toMatchObject({ hits: 1 });
    // the shipped fields are still there
    expect(fields('The app is way too expensive', 'en', { fields: set }).price!.hits).toBe(1);
    // and without the set, no such field
    expect(fields('The app keeps losing bluetooth', 'en').barista_app).toBeUndefined();
  });

  it('"great camera but awful battery": positive on one field, negative on the other', () => {
    const set = fieldSetWith([{ camera: { en: ['camera', 'photo', 'lens'] }, battery: { en: ['battery', 'charge'] } }]);
    const f = fields('great camera but awful battery', 'en', { fields: set });
    expect(f.camera!.tone).toBeGreaterThan(0.2);
    expect(f.battery!.tone).toBeLessThan(-0.2);
  });

  it('overrides a shipped field per language, extends it, or switches it off', () => {
    const replaced = fieldSetWith([{ delivery: { en: ['drone'] } }]);
    expect(fields('The drone delivery was late', 'en', { fields: replaced }).delivery!.hits).toBe(1);
    // French keeps the shipped entries
    expect(fields('Livraison en retard', 'fr', { fields: replaced }).delivery!.hits).toBeGreaterThanOrEqual(1);
    const extended = fieldSetWith([{ delivery: { en: ['drone'], extend: true } }]);
    expect(fields('The drone delivery was late', 'en', { fields: extended }).delivery!.hits).toBe(3);
    const off = fieldSetWith([{ price: { en: [], fr: [] } }]);
    expect(fields('Way too expensive', 'en', { fields: off }).price).toBeUndefined();
    expect(fields('Beaucoup trop cher', 'fr', { fields: off }).price).toBeUndefined();
  });

  it('applies exact and prefix entries', () => {
    const set = fieldSetWith([{ loyalty: { en: ['=points', 'rewards*'], fr: ['=fidélité'] } }]);
    expect(fields('My points and rewardsclub perks vanished', 'en', { fields: set }).loyalty!.hits).toBe(2);
    expect(fields('My point is', 'en', { fields: set }).loyalty).toBeUndefined();
    expect(fields('Carte fidélité', 'fr', { fields: set }).loyalty!.hits).toBe(1);
  });

  it('picks the fields of the brands a mention matches: their union, compiled once per combination', () => {
    const brands: { id: string; fields?: FieldOverrides }[] = [
      { id: 'acme', fields: { barista_app: { en: ['app'] } } },
      { id: 'globex', fields: { loyalty: { en: ['rewards'] }, delivery: { en: ['drone'] } } },
      { id: 'initech' },
    ];
    const pick = brandFieldSets(brands);
    expect(pick([])).toBeUndefined();
    expect(pick(['initech'])).toBeUndefined();
    const both = pick(['globex', 'acme', 'initech'])!;
    expect(both.names).toEqual(expect.arrayContaining(['barista_app', 'loyalty', 'delivery', 'price']));
    expect(pick(['acme', 'globex'])).toBe(both);
    expect(fields('app rewards drone delivery', 'en', { fields: both })).toMatchObject({ barista_app: { hits: 1 }, loyalty: { hits: 1 }, delivery: { hits: 1 } });
    expect(brandFieldSets([{ id: 'x' }])(['x'])).toBeUndefined();
  });

  it('applies a brand\'s fields in the analyze stage, to the mentions of that brand only', () => {
    const config = parseConfig(
      `
brands:
  - id: acme
    name: Acme
    query: acme
    fields:
      barista_app: { en: [app, bluetooth], fr: [appli] }
      delivery: { en: [drone], extend: true }
  - { id: globex, name: Globex, query: globex }
`,
      'test.yaml',
    );
    const options = {
      languages: ['en', 'fr'] as const,
      matchBrands: brandMatcher(config.brands),
      brandFields: brandFieldSets(config.brands),
      authorKeySecret: 'test-secret-0123456789',
    };
    const raw = (text: string): RawMention => ({ source: 'test', sourceId: text, author: { id: 'a', name: 'A' }, text, publishedAt: '2024-01-01T00:00:00Z', lang: 'en' });
    const acme = analyzeMention(raw('The Acme app lost bluetooth and the drone delivery was late'), options);
    expect(acme.brands).toEqual(['acme']);
    expect(acme.analysis.fields.barista_app!.hits).toBe(2);
    expect(acme.analysis.fields.delivery!.hits).toBe(3);
    const globex = analyzeMention(raw('The Globex app lost bluetooth and the drone delivery was late'), options);
    expect(globex.brands).toEqual(['globex']);
    expect(globex.analysis.fields.barista_app).toBeUndefined();
    expect(globex.analysis.fields.delivery!.hits).toBe(2);
    // without brand fields the stage still matches brands after the analysis
    const plain = analyzeMention(raw('Acme delivery'), { ...options, brandFields: undefined });
    expect(plain.brands).toEqual(['acme']);
  });

  it('validates brand fields in the config', () => {
    expect(() => parseConfig(`brands: [{ id: a, name: A, query: a, fields: { Bad-Name: { en: [x] } } }]`, 't.yaml')).toThrow(/brands\[0\]\.fields/);
    expect(() => parseConfig(`brands: [{ id: a, name: A, query: a, fields: { ok: { de: [x] } } }]`, 't.yaml')).toThrow(/unknown key/);
    const ok = parseConfig(`brands: [{ id: a, name: A, query: a, fields: { ok: { en: [x] } } }]`, 't.yaml');
    expect(ok.brands[0]!.fields).toEqual({ ok: { en: ['x'], extend: false } });
  });
});
