import { describe, expect, it } from 'vitest';
import { analysisJson } from '../../src/cli/commands/analyze.js';
import { analyze } from '../../src/nlp/analyze.js';

const flags = (text: string, lang?: 'en' | 'fr') => analyze(text, lang ? { lang } : {}).flags!;

describe('flags: irony suspected', () => {
  it.each([
    ['thanks for nothing', 'en'],
    ['Deliveries late again, thanks for nothing', 'en'],
    ['Great, just great.', 'en'],
    ['Yeah right, best service ever', 'en'],
    ['Merci pour rien', 'fr'],
    ["On n'arrête pas le progrès", 'fr'],
    ['Comme par hasard, le colis est perdu', 'fr'],
  ] as const)('an ironic phrase: %s', (text, lang) => {
    expect(flags(text, lang).ironySuspected).toBe(true);
  });

  it.each([
    ['Great service 🙄', 'en'],
    ['Love it 🙃', 'en'],
    ['Super service client 😒', 'fr'],
  ] as const)('positive words with a mocking emoji: %s', (text, lang) => {
    expect(flags(text, lang).ironySuspected).toBe(true);
  });

  it.each([
    ['Great, late again.', 'en'],
    ['Perfect... down again', 'en'],
    ['Oh great, another awful update', 'en'],
    ['Well done Acme, broken again', 'en'],
    ['Génial… encore en retard', 'fr'],
    ['Bravo… encore', 'fr'],
    ['Bravo la SNCF, encore en retard', 'fr'],
    ['Top, encore une panne', 'fr'],
  ] as const)('a positive exclamation, then something negative or "again": %s', (text, lang) => {
    expect(flags(text, lang).ironySuspected).toBe(true);
  });

  it.each([
    ['Thanks for ruining my weekend', 'en'],
    ['I love how my order is late again', 'en'],
    ['Merci pour ce retard', 'fr'],
    ["J'adore quand l'appli plante", 'fr'],
  ] as const)('a cue with a negative word in the same clause: %s', (text, lang) => {
    expect(flags(text, lang).ironySuspected).toBe(true);
  });

  it('sarcasm markers and scare quotes', () => {
    expect(flags('Loved every minute of it /s', 'en').ironySuspected).toBe(true);
    expect(flags('Best airline ever #sarcasm', 'en').ironySuspected).toBe(true);
    expect(flags('Le meilleur opérateur #ironie', 'fr').ironySuspected).toBe(true);
    expect(flags('The "fast" delivery was a disaster', 'en').ironySuspected).toBe(true);
    expect(flags('Le service « rapide » : une catastrophe', 'fr').ironySuspected).toBe(true);
    // quoting praise in a positive mention is not irony
    expect(flags('Rated "excellent" by users', 'en').ironySuspected).toBe(false);
  });

  it.each([
    ['Great product, I love it!', 'en'],
    ['Thanks for the quick reply!', 'en'],
    ['Thanks again for your help', 'en'],
    ['The food was great, the delivery late again.', 'en'],
    ['Great! The delivery was awful though.', 'en'],
    ['Génial ! Par contre la livraison était nulle.', 'fr'],
    ['This is terrible', 'en'],
    ['Super produit, je recommande', 'fr'],
    ['Super, encore une nouveauté !', 'fr'],
    ['Merci pour votre réponse rapide', 'fr'],
    ['Encore merci pour votre aide', 'fr'],
    ['Merci pour votre aide, mais le problème persiste', 'fr'],
  ] as const)('not sincere praise, plain complaints or mixed reviews: %s', (text, lang) => {
    expect(flags(text, lang).ironySuspected).toBe(false);
  });
});

describe('flags: question', () => {
  it.each([
    ['Is the app down?', 'en'],
    ['is it down? 😡', 'en'],
    ['Where is my parcel', 'en'],
    ['How do I get a refund.', 'en'],
    ['Why no refund', 'en'],
    ['Does anyone know how to reset it', 'en'],
    ["Isn't it supposed to work offline", 'en'],
    ['Anyone else having issues', 'en'],
    ['Any update on my order', 'en'],
    ['Vous livrez le dimanche ?', 'fr'],
    ['Est-ce que vous livrez le dimanche', 'fr'],
    ["Qu'est-ce qui se passe", 'fr'],
    ["Pouvez-vous m'aider", 'fr'],
    ['Y a-t-il un remboursement', 'fr'],
    ["Pourquoi ma commande n'est toujours pas arrivée", 'fr'],
    ['Comment faire pour annuler', 'fr'],
    ['Quel est le délai de livraison', 'fr'],
    ["C'est quoi ce délire", 'fr'],
  ] as const)('asks: %s', (text, lang) => {
    expect(flags(text, lang).question).toBe(true);
  });

  it.each([
    ['Do not buy this', 'en'],
    ['Have a nice day', 'en'],
    ['What a joke', 'en'],
    ['When I called, nobody answered.', 'en'],
    ["Can't wait for the new one", 'en'],
    ['Contactez-nous', 'fr'],
    ['Inscrivez-vous sur le site', 'fr'],
    ['Rendez-vous en magasin', 'fr'],
    ['Quelle honte', 'fr'],
    ["Quand j'ai appelé, personne n'a répondu.", 'fr'],
    ["Qu'il se débrouille", 'fr'],
  ] as const)('does not ask: %s', (text, lang) => {
    expect(flags(text, lang).question).toBe(false);
  });

  it('takes a question mark in any language', () => {
    expect(analyze('¿Dónde está mi pedido?', { languages: ['en', 'fr'] }).flags!.question).toBe(true);
  });
});

describe('flags: profanity', () => {
  it.each([
    ['This is fucking ridiculous', 'en'],
    ['What a shitty service', 'en'],
    ['wtf is this', 'en'],
    ['what the f*ck', 'en'],
    ['Putain de colis', 'fr'],
    ['PUTAIN', 'fr'],
    ['Service de merde', 'fr'],
    ["c'est vraiment con", 'fr'],
    ['Ils se foutent de nous', 'fr'],
    ['Bordel, encore en panne', 'fr'],
    ['fuck ce service', 'fr'],
  ] as const)('swears: %s', (text, lang) => {
    expect(flags(text, lang).profanity).toBe(true);
  });

  it.each([
    ['Pass the class, assess the assets', 'en'],
    ['Cocktails in Scunthorpe and Essex', 'en'],
    ['damn good coffee', 'en'],
    ['Shiitake mushrooms', 'en'],
    ['Il fait un temps de chien', 'fr'],
    ['Ce produit est nickel, conçu pour durer', 'fr'],
    ['Les pros et les contras', 'fr'],
    ['Je prends une douche', 'fr'],
  ] as const)('on whole words only, and not mild words: %s', (text, lang) => {
    expect(flags(text, lang).profanity).toBe(false);
  });
});

describe('flags: any input', () => {
  it('are all false for empty, blank, garbage and plain text', () => {
    const none = { ironySuspected: false, question: false, profanity: false };
    expect(analyze('').flags).toEqual(none);
    expect(analyze('   \n ').flags).toEqual(none);
    expect(analyze('\u0000\uD800\uFFFE ### 123 ...').flags).toEqual(none);
    expect(analyze('zzzz qqqq xkcd', { lang: 'en' }).flags).toEqual(none);
    expect(analyze('The parcel arrived on Monday', { lang: 'en' }).flags).toEqual(none);
    expect(analyze('Le colis est arrivé lundi', { lang: 'fr' }).flags).toEqual(none);
  });

  it('survive a megabyte of text', () => {
    const a = analyze('Great, late again. Where is my parcel? '.repeat(30_000), { lang: 'en' });
    expect(a.flags).toEqual({ ironySuspected: true, question: true, profanity: false });
  });

  it('come out of `ecoute analyze` in snake_case, with the fields', () => {
    const out = analysisJson(analyze('Thanks for nothing, where is my fucking parcel?', { lang: 'en' }));
    expect(out.flags).toEqual({ irony_suspected: true, question: true, profanity: true });
    expect(out.fields).toMatchObject({ delivery: { hits: 1 } });
  });
});
