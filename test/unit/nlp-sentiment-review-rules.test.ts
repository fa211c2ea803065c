// The rules for how reviews and posts say things without a plain opinion word: a negation that
// reaches over articles and pronouns, "far from", "lacks", "would have been", negating prefixes,
// "too"/"trop", a mark or a wait told in the text, idioms. English and French, through analyze().
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import { ruleSentiment } from '../../src/nlp/sentiment.js';
import { markAt, waitAt } from '../../src/nlp/sentiment/patterns.js';
import { tokenizeEnglish, tokenizeFrench } from '../../src/nlp/tokenize.js';

const s = (text: string, lang: string) => analyze(text, { lang }).sentiment;
const label = (text: string, lang: string) => s(text, lang).label;
const drivers = (text: string, lang: string) => s(text, lang).drivers.map((d) => d.text);
const tokensOf = (text: string, lang: string) => (lang === 'fr' ? tokenizeFrench(text) : tokenizeEnglish(text));

describe('negation reaches its word across articles, pronouns and "think"-verbs', () => {
  it.each([
    ["I wasn't the least bit interested.", 'en'],
    ['Nothing at all to recommend.', 'en'],
    ["I wouldn't say they're worth 2 hours of your time.", 'en'],
    ['I certainly do not mean this in a good way.', 'en'],
    ["Je n'ai pas trouvé ça drôle.", 'fr'],
  ])('negative: %s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });

  it.each([
    ["I don't think you will be disappointed.", 'en'],
    ['Never had anything to complain about here.', 'en'],
  ])('a negated complaint is praise: %s', (text, lang) => {
    expect(s(text, lang).score).toBeGreaterThan(0);
  });

  it('stops at a new subject in French: "pas du tout, je préfère même cette série"', () => {
    expect(label("au début j'avais peur que ce soit une copie mais en fait pas du tout je préfère même cette série", 'fr')).toBe('positive');
  });

  it('stops after a factive verb: "I didn\'t realize how wonderful it is"', () => {
    expect(s("I didn't realize how wonderful the short really is.", 'en').score).toBeGreaterThan(0);
  });

  it.each([
    ["I can't tell you how disappointed I was.", 'en', 'negative'],
    ['We could not believe how dirty the oysters were!', 'en', 'negative'],
    ['I have never had such bland food.', 'en', 'negative'],
    ['I did not expect this to be so good!', 'en', 'positive'],
    ['We could not have been more pleased with the food.', 'en', 'positive'],
  ])('an exclamative is asserted, not negated: %s', (text, lang, expected) => {
    expect(label(text, lang)).toBe(expected);
  });
  it('"not so good" is still a negation', () => {
    expect(label('The food was not so good.', 'en')).toBe('negative');
  });

  it('"not only" and "not just" do not negate', () => {
    const r = ruleSentiment(tokenizeEnglish('It is not only good, it is great.'), 'en');
    expect(r.contributions.every((c) => !c.negated)).toBe(true);
    expect(r.sum).toBeGreaterThan(0);
  });
});

describe('"far from", "loin de", "would have been", "aurait pu être"', () => {
  it.each([
    ['Graphics is far from the best part of the game.', 'en'],
    ['The plot is anything but clever.', 'en'],
    ["C'est loin d'être parfait.", 'fr'],
    ['It could have been a good movie.', 'en'],
    ['Ça aurait pu être génial.', 'fr'],
  ])('negative: %s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });
});

describe('"lacks", "manque de": negate what follows, or count their own tone', () => {
  it('negates the praise it lacks', () => {
    const r = ruleSentiment(tokenizeEnglish('The movie lacks charm.'), 'en');
    expect(r.contributions.some((c) => c.negated && c.text.includes('charm'))).toBe(true);
    expect(r.sum).toBeLessThan(0);
  });
  it.each([
    ['The movie lacks depth.', 'en'],
    ['Ça manque de rythme.', 'fr'],
  ])('is a complaint alone: %s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });
  it('"il ne manque que…" is "ne … que", no lack', () => {
    expect(ruleSentiment(tokenizeFrench("il ne manque que l'odeur de la poudre"), 'fr').contributions.every((c) => c.value > -0.5)).toBe(true);
  });
  it('"very little comedy" lacks it; "a little gem" does not', () => {
    expect(label('The movie has very little comedy.', 'en')).toBe('negative');
    expect(label('A little gem of a film.', 'en')).toBe('positive');
  });
});

describe('"avoids", "fixes", "évite": what they act on is the trouble', () => {
  it.each([
    ['Packaged nicely to avoid any damage.', 'en'],
    ['This update fixes all the problems.', 'en'],
    ['Ce produit évite les problèmes.', 'fr'],
  ])('%s', (text, lang) => {
    expect(ruleSentiment(tokensOf(text, lang), lang === 'fr' ? 'fr' : 'en').sum).toBeGreaterThan(0);
  });
  it('"avoid this product" stays a warning', () => {
    expect(ruleSentiment(tokenizeEnglish('Avoid this product.'), 'en').sum).toBeLessThan(0);
  });
});

describe('warnings and let-downs', () => {
  it.each([
    ['Buyer beware.', 'en'],
    ["Don't make the same mistake I did.", 'en'],
    ['My old phone holds the charge a lot better than this.', 'en'],
    ['I was hoping for more.', 'en'],
    ['Very dissapointing performance.', 'en'],
    ['Fuyez, passez votre chemin.', 'fr'],
  ])('%s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });
});

describe('negating prefixes', () => {
  it.each([
    ['Highly unrecommended.', 'en', 'highly unrecommended'],
    ['Mishima is extremely uninteresting.', 'en', 'extremely uninteresting'],
    ['Une série inintéressante.', 'fr', 'inintéressante'],
    ['Un vendeur malhonnête.', 'fr', 'malhonnête'],
  ])('%s', (text, lang, driver) => {
    expect(label(text, lang)).toBe('negative');
    expect(drivers(text, lang)).toContain(driver);
  });
  it('an English adverb has its adjective\'s tone; "likely" is not "like"', () => {
    const r = ruleSentiment(tokenizeEnglish('handled ineptly and written blandly'), 'en');
    expect(r.contributions.map((c) => c.text)).toEqual(['ineptly', 'blandly']);
    expect(r.sum).toBeLessThan(0);
    expect(ruleSentiment(tokenizeEnglish('happily married'), 'en').sum).toBeGreaterThan(0);
    expect(ruleSentiment(tokenizeEnglish('it will likely ship on monday'), 'en').contributions).toHaveLength(0);
  });
  it('a word the lexicon scores keeps its own tone ("unlike", "invaluable")', () => {
    expect(ruleSentiment(tokenizeEnglish('unlike the others'), 'en').contributions).toHaveLength(0);
    expect(ruleSentiment(tokenizeEnglish('invaluable'), 'en').sum).toBeGreaterThanOrEqual(0);
  });
});

describe('"too" and "trop"', () => {
  it.each([
    ['There were too many close ups.', 'en'],
    ['The story starts too fast.', 'en'],
    ['Trop long et trop de pub.', 'fr'],
  ])('too much is a complaint: %s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });
  it.each([
    ['This is too good to miss!', 'en'],
    ['I liked this movie way too much.', 'en'],
    ['trop bien ce film', 'fr'],
    ['trop mignon', 'fr'],
  ])('before praise it intensifies: %s', (text, lang) => {
    expect(label(text, lang)).toBe('positive');
  });
  it('"not too long" is no complaint', () => {
    const r = ruleSentiment(tokenizeEnglish('The movie is not too long.'), 'en');
    expect(r.contributions.map((c) => [c.text, c.value > 0])).toEqual([['not too long', true]]);
  });
});

describe('a mark given in the text', () => {
  it.each([
    ['Rating: 1 out of 10.', 'en', 'negative'],
    ['Great fun, 9/10', 'en', 'positive'],
    ['2 stars, the food was cold.', 'en', 'negative'],
    ['ça vaut 0 étoiles', 'fr', 'negative'],
    ['note : 2 / 10', 'fr', 'negative'],
    ['je mets 4 étoiles', 'fr', 'positive'],
  ])('%s → %s', (text, lang, expected) => {
    expect(label(text, lang)).toBe(expected);
  });
  it('a mark alone is read whatever the language', () => {
    expect(label('10/10', 'en')).toBe('positive');
    expect(label('1/10', 'fr')).toBe('negative');
  });
  it('reads the mark on its scale', () => {
    const fr = tokenizeFrench('note : 2 / 10');
    expect(markAt(fr, fr.findIndex((t) => t.text === '2'))).toEqual({ value: expect.closeTo(-1.8, 5) as unknown as number, end: fr.length });
    const en = tokenizeEnglish('10/10');
    expect(markAt(en, 0)?.value).toBe(3);
  });
  it.each([
    ['open 24/7', 'en'],
    ['rendez-vous le 02/10 à Amiens', 'fr'],
    ['on 5/10 we met', 'en'],
    ['half price: 1/2 off', 'en'],
    ['the 12/10/2024 release', 'en'],
  ])('a date or a ratio is no mark: %s', (text, lang) => {
    const tokens = tokensOf(text, lang);
    for (let i = 0; i < tokens.length; i++) if (tokens[i]!.kind === 'number') expect(markAt(tokens, i)).toBeUndefined();
  });
});

describe('a wait told as a complaint', () => {
  it.each([
    ['We waited 40 minutes for our food.', 'en'],
    ['It took over an hour to get a table.', 'en'],
    ["J'attends ma commande depuis 3 semaines.", 'fr'],
    ['Nous avons attendu une heure.', 'fr'],
  ])('%s', (text, lang) => {
    expect(label(text, lang)).toBe('negative');
  });
  it.each([
    ['It only took 5 minutes.', 'en'],
    ['Delivery took less than 2 days.', 'en'],
    ["Je n'ai attendu que 5 minutes.", 'fr'],
  ])('a short wait is none: %s', (text, lang) => {
    const tokens = tokensOf(text, lang);
    for (let i = 0; i < tokens.length; i++) expect(waitAt(tokens, i, lang === 'fr' ? 'fr' : 'en')).toBeUndefined();
  });
});

describe('idioms whose words say the opposite', () => {
  it.each([
    ['The directing is sloppy at best.', 'en', 'negative'],
    ['Food was average at best.', 'en', 'negative'],
    ['The service here leaves a lot to be desired.', 'en', 'negative'],
    ['Kieslowski never ceases to amaze me.', 'en', 'positive'],
    ['It was nothing short of incredible.', 'en', 'positive'],
    ["In short, don't bother with this movie.", 'en', 'negative'],
    ["You can't beat that.", 'en', 'positive'],
    ["bof, je m'attendais à mieux.", 'fr', 'negative'],
    ["n'arrive pas à la cheville de l'original", 'fr', 'negative'],
    ['vive les vacances !', 'fr', 'positive'],
  ])('%s → %s', (text, lang, expected) => {
    expect(label(text, lang)).toBe(expected);
  });
  it('"a great disappointment": "great" intensifies the word after it', () => {
    expect(label('All in all, a great disappointment.', 'en')).toBe('negative');
    expect(label('A great product.', 'en')).toBe('positive');
  });
});
