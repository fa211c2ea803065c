// Generates the bundled demo data set that `npm start` ingests: about 400 invented mentions of the
// fictional coffee-machine brand "Acme" and its fictional rival "Globex", in English and French,
// over the 30 days ending 2026-11-20T23:59:59Z, with a product launch (Acme Barista 2, day 5) and a
// bad delivery week (2026-11-06 .. 2026-11-12) followed by a recovery.
//
// Everything here is written for the project; no text is copied from anywhere. Output is
// deterministic (seeded mulberry32), so re-running it reproduces the committed files byte for byte.
//
//   npm run build && node dist/scripts/demo/generate-demo.js            # writes config/demo/*.jsonl
//   node dist/scripts/demo/generate-demo.js --check                     # only validates and prints
//   node dist/scripts/demo/generate-demo.js --out /tmp/demo             # writes elsewhere
//
// Only Node built-ins are used.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------
// Types

type Lang = 'en' | 'fr';
type Brand = 'acme' | 'globex';
type Pol = 'pos' | 'neg';
type Tone = 'positive' | 'negative' | 'mixed' | 'neutral';
type Topic = 'taste' | 'price' | 'build' | 'app' | 'service' | 'delivery' | 'eco' | 'launch';
type Phase = 'normal' | 'launch' | 'crisis' | 'recovery';
type Source = 'trustpilot' | 'appstore' | 'youtube' | 'reddit' | 'mastodon' | 'bluesky' | 'rss';
type Format = 'review' | 'comment' | 'post' | 'news';

/** One line of the mentions file (snake_case, as the file connector reads it). */
interface MentionLine {
  source: string;
  id: string;
  title?: string;
  text: string;
  author?: string;
  url?: string;
  published_at?: string;
  rating?: number;
  lang?: Lang;
}

interface Meta {
  lang: Lang;
  brands: Brand[];
  tone: Tone;
  /** What the mention is mostly about (topic, "crisis", "recovery", "question", "compare", ...). */
  subject: string;
  phase: Phase;
}

interface Generated {
  line: MentionLine;
  meta: Meta;
}

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

const SEED = 20261120;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry32(SEED);

function int(min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function chance(p: number): boolean {
  return rand() < p;
}

function pick<T>(items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rand() * items.length)] as T;
}

function weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = rand() * total;
  for (const [key, w] of entries) {
    r -= w;
    if (r < 0) return key;
  }
  return (entries[entries.length - 1] as [T, number])[0];
}

function randomChars(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Calendar

const DAYS = 30;
const END = Date.parse('2026-11-20T23:59:59Z');
const START = Date.parse('2026-10-22T00:00:00Z');
const DAY_MS = 86_400_000;
/** Day index (0 = 2026-10-22) of the Acme Barista 2 launch: the fifth day. */
const LAUNCH_DAY = 4;
/** Day indexes of the bad delivery week, 2026-11-06 .. 2026-11-12. */
const CRISIS_FIRST = 15;
const CRISIS_LAST = 21;
/** Day indexes of the recovery, 2026-11-13 .. 2026-11-16. */
const RECOVERY_FIRST = 22;
const RECOVERY_LAST = 25;

function dayStart(day: number): number {
  return START + day * DAY_MS;
}

function isoDay(day: number): string {
  return new Date(dayStart(day)).toISOString().slice(0, 10);
}

function phaseOf(day: number): Phase {
  if (day >= CRISIS_FIRST && day <= CRISIS_LAST) return 'crisis';
  if (day >= RECOVERY_FIRST && day <= RECOVERY_LAST) return 'recovery';
  if (day >= LAUNCH_DAY && day <= LAUNCH_DAY + 3) return 'launch';
  return 'normal';
}

/** Relative weight of each UTC hour: night trough, morning-coffee rise, lunch and evening peaks. */
const HOUR_WEIGHTS = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 3.5, 3, 3, 3.5, 3.5, 3, 2.8, 2.8, 3, 3.5, 4, 4, 3.5, 2.5,
  1.6,
];

function timestamp(day: number, hour?: number): number {
  let h = hour;
  if (h === undefined) {
    const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
    let r = rand() * total;
    h = 23;
    for (let i = 0; i < 24; i++) {
      r -= HOUR_WEIGHTS[i] as number;
      if (r < 0) {
        h = i;
        break;
      }
    }
  }
  const t = dayStart(day) + h * 3_600_000 + int(0, 59) * 60_000 + int(0, 59) * 1000;
  return Math.min(t, END);
}

function isoSeconds(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_FR = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin',
  'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
];

// ---------------------------------------------------------------------------------------------------
// Brands and products (all invented)

interface Model {
  short: string;
  price: number;
  /** First day it can be owned. */
  from: number;
}

const MODELS: Record<Brand, Model[]> = {
  acme: [
    { short: 'Barista 2', price: 449, from: LAUNCH_DAY },
    { short: 'Barista', price: 299, from: 0 },
    { short: 'Mini', price: 149, from: 0 },
    { short: 'Duo', price: 349, from: 0 },
  ],
  globex: [
    { short: 'Brewmaster', price: 279, from: 0 },
    { short: 'Crema One', price: 199, from: 0 },
    { short: 'Brewmaster Pro', price: 399, from: 0 },
  ],
};

const GLOBEX_FLAVORS: Record<Lang, string[]> = {
  en: ['Classico', 'Intenso 9', 'Vanilla Dream', 'Caramel Crema', 'Lungo Forte'],
  fr: ['Classico', 'Intenso 9', 'Vanille Douce', 'Caramel Crema', 'Lungo Forte'],
};

const FLAVORS: Record<Lang, string[]> = {
  en: ['Ristretto Nero', 'Morning Lungo', 'Velvet Decaf', 'Hazelnut Crème', 'Dark Harbour', 'Colombia Huila', 'Ethiopia Sidamo'],
  fr: ['Ristretto Nero', 'Lungo du Matin', 'Déca Velours', 'Noisette Crème', 'Origine Éthiopie', 'Colombie Huila', 'Grand Cru Moka'],
};

const AGENTS = ['Sam', 'Priya', 'Léa', 'Marco', 'Inès', 'Tom', 'Chloé', 'Yanis', 'Grace', 'Hugo'];

// ---------------------------------------------------------------------------------------------------
// Slot rendering

interface Ctx {
  lang: Lang;
  brand: Brand;
  day: number;
  phase: Phase;
  memo: Map<string, string>;
  model: Model;
  /** Sentences already in this mention, so none is said twice. */
  used: Set<string>;
}

function newCtx(lang: Lang, brand: Brand, day: number, preferLaunch = false): Ctx {
  const owned = MODELS[brand].filter((m) => m.from <= day);
  let model = pick(owned);
  if (brand === 'acme' && day >= LAUNCH_DAY && (preferLaunch || chance(0.35))) model = MODELS.acme[0] as Model;
  return { lang, brand, day, phase: phaseOf(day), memo: new Map(), model, used: new Set() };
}

function brandSurface(ctx: Ctx): string {
  if (ctx.brand === 'globex') return weighted({ Globex: 90, GLOBEX: 4, globex: 6 });
  return weighted({ Acme: 70, ACME: 9, 'Acme Corp': 13, acme: 8 });
}

function money(lang: Lang, amount: number, cents = false): string {
  if (lang === 'fr') return cents ? `${amount.toFixed(2).replace('.', ',')} €` : `${amount} €`;
  if (cents) return chance(0.5) ? `€${amount.toFixed(2)}` : `${Math.round(amount * 100)} cents`;
  return chance(0.75) ? `€${amount}` : `$${amount + 30}`;
}

function crisisDelay(ctx: Ctx): number {
  if (ctx.phase === 'crisis') return ctx.day - CRISIS_FIRST + int(3, 6);
  if (ctx.phase === 'recovery') return int(8, 14);
  return int(2, 6);
}

function slotValue(key: string, ctx: Ctx): string {
  const { lang } = ctx;
  const other: Brand = ctx.brand === 'acme' ? 'globex' : 'acme';
  switch (key) {
    case 'B':
      return brandSurface(ctx);
    case 'deB': {
      if (ctx.brand === 'globex') return chance(0.8) ? 'de Globex' : 'de chez Globex';
      return chance(0.75) ? "d'Acme" : 'de chez Acme';
    }
    case 'm':
      return ctx.model.short;
    case 'M':
      return `${ctx.brand === 'acme' ? (chance(0.92) ? 'Acme' : 'ACME') : 'Globex'} ${ctx.model.short}`;
    case 'A':
      return `Acme ${pick(MODELS.acme.filter((m) => m.from <= ctx.day)).short}`;
    case 'G':
      return `Globex ${pick(MODELS.globex).short}`;
    case 'O':
      return other === 'acme' ? 'Acme' : 'Globex';
    case 'price': {
      const base = ctx.model.price;
      return money(lang, chance(0.3) ? base - pick([20, 30, 50, 70]) : base);
    }
    case 'podprice':
      return money(lang, pick([0.42, 0.45, 0.49, 0.52, 0.55, 0.59]), true);
    case 'days':
      return String(ctx.phase === 'normal' || ctx.phase === 'launch' ? int(2, 12) : crisisDelay(ctx));
    case 'days2':
      return String(ctx.phase === 'crisis' ? int(1, Math.max(1, Number(slot('days', ctx)) - 1)) : int(2, 6));
    case 'anB':
      return `${ctx.brand === 'acme' ? 'an' : 'a'} ${slot('B', ctx)}`;
    case 'weeks':
      return String(int(2, 7));
    case 'months':
      return String(int(2, 9));
    case 'minutes':
      return String(pick([25, 35, 40, 45, 50, 55, 70, 90]));
    case 'secs':
      return String(pick([8, 9, 10, 12]));
    case 'years':
      return String(int(2, 6));
    case 'order':
      return `#AC-${int(100000, 999999)}`;
    case 'orderdate': {
      const d = new Date(dayStart(ctx.day) - Number(slot('days', ctx)) * DAY_MS);
      return lang === 'fr'
        ? `${d.getUTCDate() === 1 ? '1er' : d.getUTCDate()} ${MONTHS_FR[d.getUTCMonth()]}`
        : chance(0.5)
          ? `${MONTHS_EN[d.getUTCMonth()]} ${d.getUTCDate()}`
          : `${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth()]}`;
    }
    case 'flavor':
      return pick((ctx.brand === 'globex' ? GLOBEX_FLAVORS : FLAVORS)[lang]);
    case 'agent':
      return pick(AGENTS);
    case 'time':
      return lang === 'fr'
        ? pick(['deux semaines', 'un mois', 'trois mois', 'six mois', 'un an', 'dix jours'])
        : pick(['two weeks', 'a month', 'three months', 'six months', 'a year', 'ten days']);
    case 'country':
      return lang === 'fr'
        ? pick(['en Belgique', 'en Suisse', 'au Québec', 'au Luxembourg', 'à La Réunion'])
        : pick(['Ireland', 'Canada', 'Norway', 'Portugal', 'Australia']);
    case 'posE':
      return pick(['☕', '😍', '👌', '🙌', '❤️', '✨', '😋', '☕☕']);
    case 'negE':
      return pick(['😡', '🤬', '😤', '🙄', '😞', '💀', '🤡', '😩']);
    case 'friend':
      return `@${handle(lang).replace(/\./g, '_')}`;
    default:
      throw new Error(`unknown slot {${key}}`);
  }
}

function slot(key: string, ctx: Ctx): string {
  const cached = ctx.memo.get(key);
  if (cached !== undefined) return cached;
  const value = slotValue(key, ctx);
  ctx.memo.set(key, value);
  return value;
}

function render(template: string, ctx: Ctx): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => slot(key, ctx));
}

// ---------------------------------------------------------------------------------------------------
// Text pools. {B} brand as written, {deB} French "d'Acme"/"de Globex", {M} brand + model,
// {m} model only, {A}/{G} an Acme/Globex model, other slots are numbers, dates, emoji.

type TopicPools = Record<Topic, Record<Pol, string[]>>;

const TOPIC: Record<Lang, TopicPools> = {
  en: {
    taste: {
      pos: [
        "The espresso from my {M} is honestly better than the café downstairs.",
        "Crema is thick, shots come out hot, and it's the same every single morning.",
        "The {flavor} pods taste rich without that burnt aftertaste.",
        "Finally a pod machine that doesn't make everything taste like cardboard.",
        "The lungo setting is exactly how I like my first cup.",
        "My partner, who swore pod coffee was a crime, asked for a second cup.",
        "Flat whites come out silky thanks to the milk frother.",
        "Tried the {flavor} pods today and they're the best so far.",
        "Properly hot, properly strong, no sad brown water.",
        "The decaf is so good I can't tell the difference after 6pm.",
      ],
      neg: [
        "The coffee tastes watery no matter which setting I use.",
        "The pods taste stale, like they sat in a warehouse for months.",
        "Espresso comes out lukewarm, which kind of defeats the purpose.",
        "The {flavor} pods are bitter and thin.",
        "Since the last firmware update the shots taste weaker.",
        "Milk foam collapses in about ten seconds.",
        "Everything tastes faintly of plastic for the first few weeks.",
        "The 'intense' setting is just the normal setting but louder.",
      ],
    },
    price: {
      pos: [
        "For {price} it's a lot of machine.",
        "Pods work out at {podprice} each, way cheaper than my daily flat white.",
        "Got it on sale for {price} and zero regrets.",
        "The pod subscription saves me a decent amount every month.",
        "Paid itself back in about {weeks} weeks of not buying coffee at work.",
        "Honestly worth the {price}, it feels like a much pricier machine.",
      ],
      neg: [
        "{price} for a coffee machine is steep, and the pods add up fast.",
        "Pods went up again, now {podprice} each. Getting silly.",
        "Way overpriced for what it actually does.",
        "The subscription is a pain to cancel and keeps charging you.",
        "At {podprice} a pod I might as well go to the café.",
        "Paying {price} and then being upsold on everything in the app is a bit much.",
      ],
    },
    build: {
      pos: [
        "Feels solid, brushed steel, nothing rattles.",
        "Two years in and it still works like day one.",
        "Compact enough for my tiny kitchen, and it looks great on the counter.",
        "Descaling is easy, the machine tells you when it's time.",
        "The water tank is big enough for a whole day of coffees.",
        "Quieter than my old machine by a mile.",
      ],
      neg: [
        "The drip tray cracked after {weeks} weeks.",
        "The water tank leaks from the bottom, there's a puddle every morning.",
        "The pump started making a grinding noise after {months} months.",
        "The plastic lid feels cheap for the price.",
        "Mine died a week after the warranty ended. Coincidence?",
        "The pod drawer jams about once a week.",
        "The touch buttons stop responding if your fingers are even slightly wet.",
      ],
    },
    app: {
      pos: [
        "The app lets me start a brew from bed, which is pure luxury.",
        "Love that the app reorders pods when I'm running low.",
        "Scheduling my morning espresso in the app works flawlessly.",
        "The latest app update fixed the pairing issues, works great now.",
        "The app's descaling reminders have saved my machine more than once.",
        "Recipes in the app are actually useful, the cortado one is my favourite.",
      ],
      neg: [
        "The app keeps logging me out and forgetting the machine.",
        "Bluetooth pairing fails every other time.",
        "Why does a coffee machine need an account and my location?",
        "Since the last update the app crashes on launch.",
        "The app is slow and full of upsells for pods.",
        "Half the settings are only in the app, and the app barely works.",
        "Notifications at 7am telling me to buy more pods. No thanks.",
      ],
    },
    service: {
      pos: [
        "Customer service replaced my frother in {days} days, no questions asked.",
        "Support chat was quick and actually helpful.",
        "Shoutout to {agent} from support who walked me through descaling.",
        "Had a leak, they sent a new machine before I even returned the old one.",
        "Customer service answered on a Sunday. Impressive.",
      ],
      neg: [
        "Customer service took {days} days to answer a simple question.",
        "Support sends canned replies and closes the ticket.",
        "On hold for {minutes} minutes. Still waiting.",
        "Warranty claim has been 'under review' for {weeks} weeks.",
        "Support told me to turn it off and on again. Three times.",
      ],
    },
    delivery: {
      pos: [
        "Ordered Monday, arrived Wednesday, well packed.",
        "Delivery was quick and tracking was spot on.",
        "Pods arrived the next day.",
        "Courier texted a one-hour window and showed up right on time.",
        "Packaging was solid, not a scratch on the machine.",
      ],
      neg: [
        "The parcel arrived a couple of days late, but nothing was broken.",
        "The courier left the box out in the rain.",
        "Tracking said 'out for delivery' for two days.",
        "Box arrived dented, machine was fine luckily.",
      ],
    },
    eco: {
      pos: [
        "Love that the pods are home-compostable.",
        "The pod return scheme is a nice touch: free bag, drop it at the post office.",
        "Aluminium-free pods that actually compost. Finally.",
        "Eco mode turns the heater off after ten minutes, which I appreciate.",
        "Refill pouches instead of new boxes, good move.",
      ],
      neg: [
        "'Compostable' pods that are still intact in my compost after {months} months. Greenwashing?",
        "Each pod comes individually wrapped in plastic, which kind of kills the eco claims.",
        "Way too much packaging for a handful of pods.",
        "The 'eco' pods cost more than the normal ones. Make it make sense.",
      ],
    },
    launch: {
      pos: [
        "The new Barista 2 is a real upgrade: faster heat-up, quieter pump, much better milk.",
        "Heat-up in {secs} seconds on the Barista 2. Ridiculous.",
        "The Barista 2 takes both pods and ground coffee, which is brilliant.",
        "Preordered the Barista 2 the minute it went live and it was worth it.",
        "The Barista 2 touchscreen is gorgeous and the latte art mode actually works.",
        "Barista 2 milk foam is on another level compared to the first one.",
      ],
      neg: [
        "The Barista 2 is basically the old model with a touchscreen and a higher price.",
        "The Barista 2 touchscreen lags and the pump is still loud.",
        "Waited for the Barista 2 reveal and it's... fine? Not worth upgrading.",
        "Barista 2 launch price is a joke, wait for a sale.",
      ],
    },
  },
  fr: {
    taste: {
      pos: [
        "Le café est vraiment bon, une crème bien épaisse, rien à voir avec mon ancienne machine.",
        "Franchement l'espresso est meilleur qu'au bistrot d'en bas.",
        "Les capsules {flavor} sont top, pas d'amertume.",
        "Même mon père, qui ne jure que par sa cafetière italienne, a validé.",
        "Le lungo du matin, parfait, rien à redire.",
        "La mousse de lait est onctueuse, mes cappuccinos n'ont jamais été aussi bons.",
        "Testé les {flavor} ce matin, gros coup de cœur.",
        "Un café bien chaud et corsé, pas du jus de chaussette.",
        "Le déca est tellement bon que je m'en fais le soir sans culpabiliser.",
      ],
      neg: [
        "Le café est tiédasse, c'est pas terrible.",
        "Les capsules ont un goût de carton, franchement déçu.",
        "Depuis la mise à jour, le café est plus fade.",
        "Les {flavor} sont amères et sans corps.",
        "La mousse de lait retombe en deux secondes.",
        "Le café a un arrière-goût de plastique les premières semaines.",
        "Le mode « intense » c'est le mode normal en plus bruyant.",
      ],
    },
    price: {
      pos: [
        "Pour {price}, c'est un super rapport qualité-prix.",
        "Prise en promo à {price}, aucun regret.",
        "À {podprice} la capsule, ça reste moins cher que le café du boulot.",
        "L'abonnement capsules me fait économiser pas mal chaque mois.",
        "Rentabilisée en {weeks} semaines vu ce que je dépensais au café.",
      ],
      neg: [
        "{price} la machine, et les capsules qui coûtent un bras en plus…",
        "Encore une hausse sur les capsules, {podprice} pièce, ça commence à faire.",
        "Trop cher pour ce que c'est.",
        "L'abonnement capsules, impossible à résilier, une vraie galère.",
        "À {podprice} la capsule, autant aller au café.",
      ],
    },
    build: {
      pos: [
        "La machine est solide, finitions nickel, rien ne bouge.",
        "Deux ans qu'on l'a et elle marche toujours comme au premier jour.",
        "Compacte, elle tient dans ma cuisine de 5 m², et elle est jolie en plus.",
        "Le détartrage est simple, la machine prévient quand il faut le faire.",
        "Bien plus silencieuse que mon ancienne, les voisins me remercient.",
      ],
      neg: [
        "Le bac d'égouttage s'est fendu au bout de {weeks} semaines.",
        "Le réservoir fuit, flaque d'eau tous les matins.",
        "La pompe fait un bruit de tondeuse depuis {months} mois.",
        "Le couvercle en plastique fait cheap pour le prix.",
        "Tombée en panne pile après la fin de la garantie, comme par hasard.",
        "Le tiroir à capsules se coince une fois par semaine.",
      ],
    },
    app: {
      pos: [
        "L'appli permet de lancer le café depuis le lit, le grand luxe.",
        "J'adore que l'appli recommande des capsules toute seule quand le stock baisse.",
        "Programmer son café du matin dans l'appli, ça marche nickel.",
        "La dernière mise à jour de l'appli a réglé les soucis de connexion.",
        "Les recettes dans l'appli sont vraiment sympas, le cortado surtout.",
      ],
      neg: [
        "L'appli me déconnecte tout le temps et oublie la machine.",
        "L'appairage Bluetooth plante une fois sur deux.",
        "Pourquoi une machine à café a besoin d'un compte et de ma localisation ?",
        "Depuis la dernière mise à jour, l'appli plante au démarrage.",
        "L'appli rame et n'arrête pas de pousser des promos.",
        "La moitié des réglages sont dans l'appli, et l'appli marche une fois sur deux.",
      ],
    },
    service: {
      pos: [
        "Le SAV m'a remplacé le mousseur en {days} jours, sans discuter.",
        "Service client au top, réponse rapide et vraiment utile.",
        "Merci à {agent} du SAV pour sa patience.",
        "Une fuite, et ils m'ont envoyé une machine neuve avant même le retour de l'ancienne.",
      ],
      neg: [
        "{days} jours pour avoir une réponse du service client, sérieux ?",
        "Le SAV répond par des messages tout faits et ferme le ticket.",
        "{minutes} minutes d'attente au téléphone, et toujours personne.",
        "Ma demande de garantie est « en cours d'examen » depuis {weeks} semaines.",
      ],
    },
    delivery: {
      pos: [
        "Commandé lundi, reçu mercredi, bien emballé.",
        "Livraison rapide, suivi nickel.",
        "Capsules reçues le lendemain, impeccable.",
        "Le livreur a prévenu par SMS et il est passé pile à l'heure.",
      ],
      neg: [
        "Colis arrivé avec deux jours de retard, mais rien de cassé.",
        "Le livreur a laissé le carton sous la pluie.",
        "Carton cabossé à l'arrivée, heureusement la machine n'a rien.",
      ],
    },
    eco: {
      pos: [
        "Les capsules sont compostables, ça change tout pour moi.",
        "Le programme de recyclage des capsules est bien pensé : sachet gratuit, dépôt à la Poste.",
        "Enfin des capsules sans alu qui se compostent vraiment.",
        "Le mode éco coupe la chauffe au bout de dix minutes, c'est bien vu.",
      ],
      neg: [
        "Capsules soi-disant compostables, toujours intactes dans mon compost après {months} mois. Greenwashing ?",
        "Chaque capsule est emballée dans du plastique, bonjour l'écologie.",
        "Beaucoup trop d'emballage pour quelques capsules.",
        "Les capsules « éco » coûtent plus cher que les normales, cherchez l'erreur.",
      ],
    },
    launch: {
      pos: [
        "La nouvelle Barista 2 est une vraie évolution : chauffe plus rapide, pompe plus silencieuse.",
        "{secs} secondes pour chauffer sur la Barista 2, c'est dingue.",
        "La Barista 2 prend les capsules et le café moulu, trop pratique.",
        "Précommandée le jour même, je regrette pas du tout.",
        "La mousse de lait de la Barista 2, rien à voir avec la première version.",
      ],
      neg: [
        "La Barista 2, c'est l'ancienne avec un écran tactile et cent balles de plus.",
        "L'écran tactile de la Barista 2 est lent, pas terrible pour le prix.",
        "Tout ce battage pour la Barista 2, et au final bof.",
        "Le prix de lancement de la Barista 2, non merci, j'attends les soldes.",
      ],
    },
  },
};

/** Brand-bearing openers: every Acme (resp. Globex) review or comment can start with one. */
const OPENERS: Record<Lang, string[]> = {
  en: [
    "Got the {M} {time} ago.",
    "Been {anB} customer for {years} years.",
    "Quick review of my {M}:",
    "{B} {m} owner here.",
    "Bought the {M} for my partner's birthday.",
    "Switched to {B} after my old machine died.",
    "My {M}, {time} in:",
    "First order from {B}.",
    "Using the {M} every day for {time} now.",
  ],
  fr: [
    "J'ai la {m} {deB} depuis {time}.",
    "Cliente {B} depuis {years} ans.",
    "Client {B} depuis {years} ans.",
    "Petit retour sur ma {m} {deB} :",
    "Première commande chez {B}.",
    "Ma {m} {deB}, après {time} d'utilisation :",
    "On nous a offert la {m} {deB} pour la crémaillère.",
    "Passé chez {B} quand ma vieille machine a rendu l'âme.",
  ],
};

/** Openers for the bad week: about an order, not about owning the machine. */
const CRISIS_OPENERS: Record<Lang, string[]> = {
  en: [
    "Ordered the {M} on {orderdate}.",
    "First order from {B}, and what an experience.",
    "Been {anB} customer for {years} years.",
    "Ordered pods from {B} on {orderdate}.",
    "Bought the {M} as a birthday present.",
    "Loyal {B} customer here.",
    "Ordered a {m} from {B}.",
  ],
  fr: [
    "Commandé la {m} {deB} le {orderdate}.",
    "Première commande chez {B}, et quelle expérience.",
    "Cliente {B} depuis {years} ans.",
    "Client {B} depuis {years} ans.",
    "Capsules commandées chez {B} le {orderdate}.",
    "La {m} {deB}, commandée pour un cadeau.",
  ],
};

const CRISIS_POST_OPENERS: Record<Lang, string[]> = {
  en: ["{B} update:", "PSA about {B}:", "ok so {B}…", "Still waiting on {B}.", "Day {days} of waiting for {B}.", "Dear {B},"],
  fr: ["Bon, {B}…", "Toujours rien de chez {B}.", "Jour {days} d'attente chez {B}.", "Petit coup de gueule contre {B} :", "Cher {B},"],
};

const APP_OPENERS: Record<Lang, string[]> = {
  en: ["The {B} app, {time} in:", "Using the {B} app with my {m}.", "About the {B} app:"],
  fr: ["L'appli {B}, après {time} :", "J'utilise l'appli {B} avec ma {m}.", "Petit avis sur l'appli {B} :"],
};

/** Short openers for posts (Mastodon, Bluesky). */
const POST_OPENERS: Record<Lang, string[]> = {
  en: [
    "{B} {m} update:",
    "Me and my {M}:",
    "Day {days} with the {M}.",
    "PSA about {B}:",
    "ok so {B}…",
    "Hot take on {B}:",
    "Tiny {B} review:",
    "Morning report from the {M}:",
  ],
  fr: [
    "Petit avis sur {B} :",
    "Bon, {B}…",
    "Alors, la {m} {deB} :",
    "Avis perso sur ma {m} {deB} :",
    "Jour {days} avec ma {m} {deB} :",
    "Le point café du matin ({B}) :",
  ],
};

const INTERJECTIONS: Record<Lang, Record<Pol, string[]>> = {
  en: { pos: ['Honestly, ', 'Ok, ', 'Not gonna lie, ', 'Tbh '], neg: ['Ugh, ', 'Honestly, ', 'Sigh. ', 'Well, '] },
  fr: { pos: ['Franchement, ', 'Bon, ', 'Perso, ', 'Alors '], neg: ['Bon, ', 'Franchement, ', 'Pff, ', 'Bref, '] },
};

const EXCLAIMS: Record<Lang, Record<Pol, string[]>> = {
  en: {
    pos: ['Sooo good.', 'LOVE IT.', 'Best purchase of the year!!', 'obsessed tbh', '10/10 would caffeinate again.', 'SO GOOD.', 'Yesss.'],
    neg: ['WORST. PURCHASE. EVER.', 'Sooo disappointed.', 'Never again!!!', 'Unbelievable.', 'what a joke', 'NOPE.', 'Ridiculous!!'],
  },
  fr: {
    pos: ['Trop bien !!', 'Je recommande à 200 %.', 'Un régal.', 'Validé 👌', 'Trooop bon.', 'Le bonheur.', 'Ouiii.'],
    neg: ['NUL!!!', 'Honteux.', 'Plus jamais !!!', 'Une blague.', 'Franchement déçuuu.', 'LAMENTABLE.', 'La honte.'],
  },
};

const CLOSERS: Record<Lang, Record<'pos' | 'neg' | 'mixed', string[]>> = {
  en: {
    pos: ['Highly recommend.', 'Would buy again.', 'Zero regrets.', 'My mornings are better for it.', "Can't imagine going back.", 'Five stars, easily.'],
    neg: ['Avoid.', 'Sending it back.', 'Really disappointed.', 'Not buying pods from them again.', 'Expected better for the price.', 'Save your money.'],
    mixed: [
      'Good machine overall, but they need to fix this.',
      'Three stars, could easily be five.',
      "I'd still buy it, just with lower expectations.",
      'Nearly there.',
    ],
  },
  fr: {
    pos: ['Je recommande les yeux fermés.', 'Aucun regret.', 'Mes matins ont changé.', 'Je rachèterais sans hésiter.', 'Cinq étoiles, sans hésiter.'],
    neg: ['À éviter.', 'Je la renvoie.', 'Très déçue.', 'Très déçu.', 'Pour ce prix-là, on attend mieux.', "Gardez votre argent."],
    mixed: [
      "Bonne machine dans l'ensemble, mais faut corriger ça.",
      'Trois étoiles, ça pourrait être cinq.',
      "Je la rachèterais quand même, mais sans m'emballer.",
      'Presque parfait.',
    ],
  },
};

const TITLES: Record<Lang, Record<'pos' | 'neg' | 'mixed' | 'crisis' | 'recovery', string[]>> = {
  en: {
    pos: ['Love it', 'Exceeded expectations', 'Worth every cent', 'Morning game changer', 'Solid buy', 'Very happy'],
    neg: ['Disappointed', 'Not worth the money', 'Avoid', 'Meh', 'Expected more'],
    mixed: ['Good coffee, annoying app', 'Almost great', 'Mixed feelings', 'Nice machine, pricey pods', 'Could be better'],
    crisis: ['Where is my order?', 'Still waiting', 'No delivery, no refund', 'Lost parcel', 'Delivery nightmare', 'Never arrived', 'Customer service unreachable', 'Zero communication'],
    recovery: ['Refund received', 'Sorted in the end', 'They made it right', 'Late but ok', 'Apology accepted', 'Still waiting for my refund'],
  },
  fr: {
    pos: ['Top !', 'Je recommande', 'Ravie de mon achat', 'Ravi de mon achat', 'Très satisfait'],
    neg: ['Déçu', 'Pas terrible', 'À fuir', 'Bof', 'Peut mieux faire'],
    mixed: ['Bon café mais…', 'Peut mieux faire', 'Mitigé', 'Bien mais trop cher'],
    crisis: ['Commande jamais reçue', 'Où est mon colis ?', 'Toujours rien', 'Livraison catastrophique', 'Aucun remboursement', 'Colis perdu', 'Service client injoignable'],
    recovery: ['Remboursé finalement', 'Problème réglé', 'En retard mais bon', 'Geste commercial apprécié', 'Toujours pas remboursé'],
  },
};

/** Review titles that fit one topic; reviews pick one of these half of the time. */
const TOPIC_TITLES: Record<Lang, Partial<Record<Topic, Record<Pol, string[]>>>> = {
  en: {
    taste: { pos: ['Great coffee, great machine', 'Five stars from a picky drinker', 'Better than my local café'], neg: ['Watery coffee', 'Taste is off'] },
    price: { pos: ['Great value'], neg: ['Pods are getting expensive', 'Overpriced'] },
    build: { pos: ['Built to last', 'Solid machine'], neg: ['Broke after a few weeks', 'Leaks'] },
    app: { pos: ['Great app', 'Smart features that work'], neg: ['App is a mess', 'Buggy app', 'Stop logging me out'] },
    service: { pos: ['Great support', 'Excellent customer service'], neg: ['Terrible support', 'Slow support'] },
    delivery: { pos: ['Fast delivery'], neg: ['Late but fine'] },
    eco: { pos: ['Finally compostable pods'], neg: ['Greenwashing?', 'Too much packaging'] },
    launch: { pos: ["Best pod machine I've owned", 'Barista 2 is a winner'], neg: ['Not worth the upgrade'] },
  },
  fr: {
    taste: { pos: ['Très bon café', 'Un vrai plaisir le matin'], neg: ['Café fade', 'Goût bof'] },
    price: { pos: ['Excellent rapport qualité-prix'], neg: ['Capsules hors de prix', 'Trop cher'] },
    build: { pos: ['Solide', 'Super machine'], neg: ["Cassée au bout d'un mois", 'Fuite'] },
    app: { pos: ['Appli bien pensée'], neg: ['Appli catastrophique', "L'appli plante"] },
    service: { pos: ['SAV au top'], neg: ['SAV inexistant', 'Service client aux abonnés absents'] },
    delivery: { pos: ['Livraison rapide'], neg: ['Un peu de retard'] },
    eco: { pos: ['Enfin des capsules compostables'], neg: ['Greenwashing ?', "Trop d'emballage"] },
    launch: { pos: ['La Barista 2 est une réussite'], neg: ['Pas de quoi changer'] },
  },
};

function reviewTitle(lang: Lang, topic: Topic, key: 'pos' | 'neg' | 'mixed'): string {
  const specific = key === 'mixed' ? undefined : TOPIC_TITLES[lang][topic]?.[key];
  return specific && chance(0.5) ? pick(specific) : pick(TITLES[lang][key]);
}

// The bad week. "early" lines are about lateness and silence, "late" ones about losses and refunds.
const CRISIS: Record<Lang, { early: string[]; late: string[]; app: string[] }> = {
  en: {
    early: [
      "Ordered on {orderdate} and still nothing. Tracking hasn't moved in {days} days.",
      "No tracking, no email, no answer from customer service.",
      "Order {order} is {days} days late and nobody can tell me where it is.",
      "Paid for express delivery, got no delivery at all.",
      "The chatbot keeps telling me my order is 'on its way'. It isn't.",
      "Apparently there's a carrier strike, but why not tell customers?",
      "My {m} was supposed to arrive on {orderdate}. It's now {days} days late.",
      "Tracking page has said 'label created' since {orderdate}.",
      "The email says 'slight delay'. It's been {days} days.",
      "Gift for my dad's birthday, now it'll arrive late. Great.",
      "Customer service is completely overwhelmed, {minutes} minutes on hold and then cut off.",
      "Three pod orders, zero pods. Drinking instant coffee like an animal.",
      "Can't even reach a human, the phone line just says 'high call volume'.",
      "My pods are stuck somewhere between a warehouse and a picket line.",
    ],
    late: [
      "My parcel is marked as delivered but there's nothing at my door.",
      "I want a refund, not another canned apology.",
      "Requested a refund {days2} days ago. Nothing.",
      "Lost parcel, support says wait another 10 days. Seriously?",
      "Filed a chargeback with my bank, done waiting.",
      "Warehouse problem or not, taking my money and going silent is not ok.",
      "Order {order}: lost, no refund, no reply to {days2} emails.",
      "The refund form gives an error every time I submit it.",
      "They shipped my {m} to the wrong address and now claim it's delivered.",
      "Customer service promised a callback {days2} days ago. Still waiting.",
      "Cancelled order {order} on {orderdate}, refund still 'processing'.",
      "Half my order arrived, the machine didn't. The pods without the machine, very useful.",
    ],
    app: [
      "Order tracking in the app shows nothing for days.",
      "The app says my order is 'preparing' since {orderdate}.",
      "Tracking tab in the app is just a spinning wheel.",
    ],
  },
  fr: {
    early: [
      "Commande passée le {orderdate}, toujours rien. Le suivi n'a pas bougé depuis {days} jours.",
      "Aucun suivi, aucun mail, aucune réponse du service client.",
      "Commande {order} avec {days} jours de retard et personne ne sait où elle est.",
      "J'ai payé la livraison express pour rien.",
      "Le chatbot me répond que ma commande est « en cours d'acheminement ». Mon œil.",
      "Il paraît qu'il y a une grève chez le transporteur, ils auraient pu prévenir.",
      "Ma {m} devait arriver le {orderdate}, on en est à {days} jours de retard.",
      "Le suivi indique « étiquette créée » depuis le {orderdate}.",
      "Le mail parle d'un « léger retard ». Ça fait {days} jours.",
      "C'était un cadeau d'anniversaire, il arrivera en retard. Merci bien.",
      "Le service client est complètement débordé, {minutes} minutes d'attente puis ça raccroche.",
      "Trois commandes de capsules, zéro capsule. Retour au café soluble.",
      "Impossible d'avoir quelqu'un, le répondeur annonce « un fort volume d'appels ».",
      "Mes capsules sont coincées quelque part entre un entrepôt et un piquet de grève.",
    ],
    late: [
      "Colis marqué comme livré mais jamais reçu.",
      "Je veux un remboursement, pas des excuses toutes faites.",
      "Demande de remboursement faite il y a {days2} jours. Rien.",
      "Colis perdu, on me dit d'attendre encore 10 jours. Sérieusement ?",
      "J'ai fait opposition auprès de ma banque, j'en ai marre d'attendre.",
      "Problème d'entrepôt ou pas, encaisser l'argent et faire le mort, c'est pas acceptable.",
      "Jamais reçu ma machine, et impossible d'avoir quelqu'un au téléphone.",
      "Commande {order} : perdue, pas remboursée, {days2} mails sans réponse.",
      "Le formulaire de remboursement plante à chaque fois.",
      "Ils ont livré ma {m} à la mauvaise adresse et maintenant elle est « livrée ».",
      "Le SAV devait me rappeler il y a {days2} jours. J'attends toujours.",
      "Commande {order} annulée le {orderdate}, remboursement toujours « en cours ».",
    ],
    app: [
      "Le suivi de commande dans l'appli n'affiche rien depuis des jours.",
      "L'appli indique « en préparation » depuis le {orderdate}.",
      "L'onglet suivi de l'appli tourne dans le vide.",
    ],
  },
};

/** Whole posts for the bad week: brand-bearing, tweet-length. */
const CRISIS_POSTS: Record<Lang, string[]> = {
  en: [
    "@acme_support where is my order?? {days} days late, no tracking, no reply. {negE}",
    "So {B} took my money and my parcel vanished. Anyone else? #AcmeFail",
    "Day {days} of waiting for my {M}. Tracking: nothing. Support: nothing. #delivery",
    "Is anyone at {B} answering emails? Order late, parcel lost, no refund. {negE}",
    "LATE. AGAIN. {B} delivery is a joke this week.",
    "Not ordering from {B} again until they fix this delivery mess.",
    "PSA: if you ordered from {B} this week, expect delays. Carrier strike apparently. {negE}",
    "Cancelled my {B} order and asked for a refund. Let's see how long that takes…",
    "{friend} same here, my {B} parcel has been 'in transit' since {orderdate}.",
    "My {B} order is on an epic journey apparently. Day {days}. No tracking. #delivery #fail",
    "{B} customer service queue: {minutes} minutes. Order: {days} days late. Vibes: terrible. {negE}",
    "Ordered pods from {B} on {orderdate}. Still drinking tea. {negE}",
    "Refund requested, parcel lost, {B} silent. What a week. #refund",
    "Wow {B}, a carrier strike is not an excuse for zero communication.",
  ],
  fr: [
    "@acme_support elle est où ma commande ?? {days} jours de retard, pas de suivi, pas de réponse {negE}",
    "{B} a encaissé et mon colis a disparu. Je suis pas le seul ? #livraison",
    "Jour {days} d'attente pour ma {m} {deB}. Suivi : rien. SAV : rien. #SAV",
    "NUL!!! {B}, colis perdu et toujours pas de remboursement {negE}",
    "Retard de livraison chez {B}, grève du transporteur apparemment. Courage à ceux qui attendent leurs capsules",
    "J'ai annulé ma commande {B} et demandé le remboursement. On parie combien de temps ça prend ?",
    "{friend} pareil, mon colis {B} est « en transit » depuis le {orderdate}.",
    "Service client {B} : {minutes} minutes d'attente. Colis : {days} jours de retard. Ambiance. {negE}",
    "Capsules commandées chez {B} le {orderdate}, toujours rien. Je suis au thé. {negE}",
    "Jamais reçu ma commande {B}, et on me dit d'attendre. Sérieux ?? #remboursement",
    "Bon, {B}, une grève c'est pas une excuse pour ne donner aucune nouvelle.",
    "Plus jamais je commande directement chez {B}. Colis perdu, SAV aux abonnés absents. #livraison",
  ],
};

const RECOVERY: Record<Lang, { pos: string[]; neg: string[] }> = {
  en: {
    pos: [
      "Got my refund from {B} today, plus a voucher. Fair enough.",
      "Parcel finally arrived, {days} days late, but {B} sent an apology email and free pods.",
      "{B} published an apology and a refund form. Took a while, but ok.",
      "Credit where due: {B} support called me back and sorted my lost parcel.",
      "Refund landed {days2} days after the apology. Back to being a happy {B} customer.",
      "My {M} finally showed up and it's lovely. Forgiven, mostly.",
      "The free box of pods from {B} was a nice touch after last week's mess.",
      "{B} replaced my lost order with express shipping, arrived in {days2} days.",
    ],
    neg: [
      "Still waiting on my {B} refund tbh, but at least they answer now.",
      "{B} apologised, fine, but my order {order} is still missing.",
      "The refund form from {B} is broken. Of course it is.",
      "A voucher doesn't really fix two weeks of silence, {B}.",
    ],
  },
  fr: {
    pos: [
      "Remboursement reçu aujourd'hui, avec un bon d'achat en plus. {B} a fait le job.",
      "Colis enfin arrivé avec {days} jours de retard, mais {B} a envoyé un mail d'excuses et des capsules offertes.",
      "{B} a publié des excuses et un formulaire de remboursement. Il était temps.",
      "Le SAV {deB} m'a rappelé et a réglé le problème du colis perdu. Chapeau.",
      "Remboursée en {days2} jours après les excuses. Je redeviens une cliente {B} contente.",
      "Ma {m} {deB} est enfin arrivée et elle est top. Pardonné, ou presque.",
      "Les capsules offertes par {B} après le fiasco de la semaine dernière, c'est un beau geste.",
    ],
    neg: [
      "Toujours pas remboursé par {B} perso, mais au moins ils répondent maintenant.",
      "{B} s'excuse, d'accord, mais ma commande {order} est toujours introuvable.",
      "Le formulaire de remboursement {deB} plante. Évidemment.",
      "Un bon d'achat, ça efface pas deux semaines de silence, {B}.",
    ],
  },
};

const RECOVERY_CLOSERS: Record<Lang, string[]> = {
  en: ['Fair play.', 'Took too long, but they made it right.', "I'll give them another chance.", 'Lesson learned, I hope.'],
  fr: ['Bon, ils ont assuré à la fin.', "Ça a traîné, mais c'est réglé.", 'Je leur laisse une seconde chance.', 'Merci quand même.'],
};

const CRISIS_CLOSERS: Record<Lang, string[]> = {
  en: ['Absolutely unacceptable.', 'Never again.', 'Give me my money back.', "I'm done.", 'Sort it out.', 'Shameful.'],
  fr: ['Inadmissible.', 'Plus jamais.', 'Rendez-moi mon argent.', "J'en ai ras-le-bol.", 'Honteux.', "C'est du grand n'importe quoi."],
};

/** A happy customer during the bad week. */
const CRISIS_CONTRARIAN: Record<Lang, string[]> = {
  en: [
    "Weird, my {B} pods arrived on time this week. Maybe I got lucky.",
    "My {M} arrived fine on {orderdate}, sorry to everyone still waiting.",
    "Not everyone's order is lost: mine from {B} came this morning. Hang in there.",
  ],
  fr: [
    "Bizarre, mes capsules {B} sont arrivées à l'heure cette semaine. Coup de chance ?",
    "Ma {m} {deB} est arrivée sans souci le {orderdate}, courage à ceux qui attendent.",
  ],
};

const QUESTIONS: Record<Lang, string[]> = {
  en: [
    "Does the {M} work with oat milk?",
    "Is the {M} compatible with third-party pods?",
    "Anyone know if {B} ships to {country}?",
    "How often do you descale the {M}?",
    "Worth upgrading from the Barista to the {B} Barista 2?",
    "Does the {B} app work without an account?",
    "Which {B} pods do you recommend for a flat white?",
    "Is there a student discount at {B}?",
    "Can the {M} make a proper long black, or is it lungo only?",
    "Does anyone know how loud the {M} is? Thin walls here.",
    "Are {B} pods recyclable in normal household bins?",
    "What's the warranty on the {M}, 2 years?",
  ],
  fr: [
    "Est-ce que la {m} {deB} marche avec du lait d'avoine ?",
    "Quelqu'un sait si {B} livre {country} ?",
    "Vous détartrez la {m} {deB} tous les combien ?",
    "Ça vaut le coup de passer de la Barista à la Barista 2 {deB} ?",
    "L'appli {B} marche sans créer de compte ?",
    "Les capsules {B} sont compatibles avec d'autres machines ?",
    "La {m} {deB}, elle est bruyante ? J'habite dans un appart aux murs en papier.",
    "Quelles capsules {B} vous conseillez pour un latte ?",
    "La garantie sur la {M}, c'est deux ans ?",
    "On peut jeter les capsules {B} dans le bac jaune ?",
  ],
};

const COMPARISONS: Record<Lang, { normal: string[]; crisis: string[] }> = {
  en: {
    normal: [
      "Switched from Globex to Acme last year: better pods, worse app.",
      "{A} vs {G}: Acme wins on taste, Globex wins on price.",
      "The {G} is quieter, but my Acme makes a better espresso.",
      "Globex machines are cheaper, but Acme pods are so much better.",
      "Anyone compared the Acme Barista 2 and the {G}?",
      "Had a {G} for three years, now an {A}. The Acme app is miles ahead.",
      "Acme or Globex for a first pod machine? Budget around {price}.",
      "Honestly the Globex pods are fine, but Acme's compostable ones won me over.",
    ],
    crisis: [
      "After this delivery fiasco I'm tempted to go back to Globex.",
      "Globex never lost a parcel of mine. Just saying, Acme.",
      "Cancelled my Acme order and bought a {G} in a shop. Done waiting.",
      "Acme makes the better coffee, but Globex actually delivers. Hmm.",
    ],
  },
  fr: {
    normal: [
      "Passé de Globex à Acme l'an dernier : meilleur café, appli moins bien.",
      "Globex est moins cher, mais le café Acme est bien meilleur.",
      "Quelqu'un a comparé la Barista 2 d'Acme et la {G} ?",
      "J'ai eu une {G} pendant trois ans, maintenant une {A}, y a pas photo pour la mousse de lait.",
      "Acme ou Globex pour une première machine à capsules ? Budget autour de {price}.",
      "Les capsules Globex sont correctes, mais celles d'Acme sont compostables, ça m'a décidé.",
    ],
    crisis: [
      "Avec ce fiasco de livraison, je me demande si je vais pas repasser chez Globex.",
      "Globex m'a jamais perdu un colis, je dis ça je dis rien. Acme, réveillez-vous.",
      "Commande Acme annulée, j'ai pris une {G} en magasin. Fini d'attendre.",
      "Acme fait le meilleur café, mais au moins Globex livre.",
    ],
  },
};

const COMPARE_FOLLOWUPS: Record<Lang, { normal: string[]; crisis: string[] }> = {
  en: {
    normal: ['Curious what others think.', 'Both are fine, honestly.', 'Still torn.', "That's my two cents anyway.", 'Depends what you drink, really.'],
    crisis: ['Loyalty only goes so far.', 'Your move, Acme.', 'Shame, because I liked the coffee.', 'Competition is a good thing.'],
  },
  fr: {
    normal: ['Vos avis ?', 'Les deux se valent, franchement.', "J'hésite encore.", "Mon avis vaut ce qu'il vaut.", 'Ça dépend de ce que vous buvez.'],
    crisis: ['La fidélité, ça a ses limites.', 'À vous de jouer, Acme.', 'Dommage, le café était bon.', 'Vive la concurrence.'],
  },
};

const GLOBEX_EXTRA: Record<Lang, Record<Pol, string[]>> = {
  en: {
    pos: [
      "Globex dropped the price of the Brewmaster and honestly it's a steal now.",
      "My {M} has been going strong for four years. Boring, reliable, perfect.",
      "Globex support sorted my warranty claim in a day.",
    ],
    neg: [
      "The Globex app looks like it was designed in 2012.",
      "Globex pods are everywhere but they're not compostable at all.",
      "My {M} sounds like a jet engine at 7am.",
    ],
  },
  fr: {
    pos: [
      "Globex a baissé le prix de la Brewmaster, à ce prix-là c'est une affaire.",
      "Ma {m} tourne depuis quatre ans sans broncher. Pas glamour mais fiable.",
      "Le SAV Globex a réglé ma garantie en une journée, respect.",
    ],
    neg: [
      "L'appli Globex a l'air de dater de 2012.",
      "Les capsules Globex, on en trouve partout, mais zéro compostable.",
      "Ma {m} fait un bruit de réacteur à 7 h du mat.",
    ],
  },
};

const HASHTAGS: Record<string, string[]> = {
  taste: ['#coffee', '#espresso', '#coffeetime', '#café'],
  price: ['#coffee', '#budget'],
  build: ['#kitchen', '#coffeegear'],
  app: ['#smarthome', '#apps'],
  service: ['#customerservice', '#SAV'],
  delivery: ['#delivery', '#livraison'],
  eco: ['#zerowaste', '#compost', '#zérodéchet'],
  launch: ['#Barista2', '#AcmeBarista2', '#newgear'],
  question: ['#coffee', '#help'],
  crisis: ['#AcmeFail', '#delivery', '#livraison', '#refund', '#remboursement'],
  recovery: ['#refund', '#remboursement'],
  compare: ['#coffee', '#espresso'],
};

/** Tags English speakers would not use. */
const FRENCH_TAGS = new Set(['#café', '#livraison', '#remboursement', '#zérodéchet', '#SAV']);

// ---------------------------------------------------------------------------------------------------
// Limiting verbatim repetition: a rendered sentence may appear at most MAX_REPEAT times.

const MAX_REPEAT = 3;
const sentenceUses = new Map<string, number>();

/** How often the most used sentence of a text has been used already. */
function uses(text: string): number {
  return Math.max(0, ...sentences(text).map((s) => sentenceUses.get(s) ?? 0));
}

/** Renders a template from the pool whose result has been used least; null if all are saturated and optional. */
function fresh(pool: readonly string[], ctx: Ctx, optional = false): string | null {
  let best: string | null = null;
  const repeatsHere = (c: string) => ctx.used.has(c) || sentences(c).some((s) => ctx.used.has(s));
  const take = (c: string) => {
    ctx.used.add(c);
    for (const s of sentences(c)) ctx.used.add(s);
    return c;
  };
  for (let attempt = 0; attempt < 16; attempt++) {
    const candidate = render(pick(pool), ctx);
    if (repeatsHere(candidate)) continue;
    if (uses(candidate) < MAX_REPEAT) return take(candidate);
    if (best === null || uses(candidate) < uses(best)) best = candidate;
  }
  return optional || best === null ? null : take(best);
}

function commit(text: string): void {
  for (const s of sentences(text)) sentenceUses.set(s, (sentenceUses.get(s) ?? 0) + 1);
}

/** The sentences of a text that have at least three words (hashtags and emoji runs are not sentences). */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…:])\s+/u)
    .map((s) => s.trim())
    .filter((s) => (s.match(/[\p{L}\p{N}'’-]+/gu) ?? []).filter((w) => !/^#/.test(w)).length >= 3);
}

// ---------------------------------------------------------------------------------------------------
// Authors, handles, ids

const FIRST_EN = ['Emma', 'Jack', 'Olivia', 'Noah', 'Sophie', 'Liam', 'Grace', 'Ethan', 'Hannah', 'Ryan', 'Chloe', 'Daniel', 'Megan', 'Sean', 'Priya', 'Tom', 'Aisha', 'Ben', 'Laura', 'Kevin'];
const FIRST_FR = ['Camille', 'Julien', 'Manon', 'Thomas', 'Léa', 'Nicolas', 'Chloé', 'Maxime', 'Inès', 'Antoine', 'Sarah', 'Hugo', 'Élodie', 'Karim', 'Margaux', 'Bastien', 'Aurélie', 'Yanis', 'Pauline', 'Mathieu'];
const HANDLE_A: Record<Lang, string[]> = {
  en: ['brew', 'bean', 'latte', 'moka', 'pixel', 'quiet', 'north', 'river', 'owl', 'maple', 'tiny', 'late', 'morning', 'sunday', 'grumpy', 'salty', 'cosmic', 'paper'],
  fr: ['cafe', 'matin', 'chat', 'loup', 'petit', 'grand', 'lune', 'noisette', 'brioche', 'tartine', 'velo', 'jardin', 'moustache', 'crumble', 'mistral', 'pluie'],
};
const HANDLE_B: Record<Lang, string[]> = {
  en: ['fox', 'cup', 'nerd', 'coder', 'panda', 'runner', 'baker', 'cat', 'sloth', 'otter', 'reader', 'drinker', 'tinkerer', 'walker'],
  fr: ['noir', 'gourmand', 'du_nord', 'bavard', 'lunaire', 'pressé', 'rieur', 'distrait', 'sucré', 'du_sud', 'curieux', 'tranquille'],
};

function ascii(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '');
}

function handle(lang: Lang): string {
  const a = pick(HANDLE_A[lang]);
  const b = ascii(pick(HANDLE_B[lang]));
  const style = int(0, 3);
  if (style === 0) return `${a}_${b}`;
  if (style === 1) return `${a}${b}${int(1, 99)}`;
  if (style === 2) return `${a}.${b}`.replace(/_/g, '');
  return `${a}${b.charAt(0).toUpperCase()}${b.slice(1)}`;
}

function personName(lang: Lang): string {
  const first = pick(lang === 'fr' ? FIRST_FR : FIRST_EN);
  return `${first} ${String.fromCharCode(65 + int(0, 25))}.`;
}

/** Authors are drawn from a per-source pool so that some people post more than once. */
const authorPools = new Map<string, string[]>();

function author(source: Source, lang: Lang): string {
  const key = `${source}:${lang}`;
  const pool = authorPools.get(key) ?? [];
  authorPools.set(key, pool);
  if (pool.length > 4 && chance(0.18)) return pick(pool);
  let name: string;
  switch (source) {
    case 'trustpilot':
      name = personName(lang);
      break;
    case 'appstore':
      name = chance(0.5) ? handle(lang).replace(/[._]/g, '') : `${pick(lang === 'fr' ? FIRST_FR : FIRST_EN)}${int(10, 99)}`;
      break;
    case 'youtube':
      name = `@${handle(lang).replace(/\./g, '-')}`;
      break;
    case 'reddit':
      name = handle(lang).replace(/\./g, '_');
      break;
    case 'mastodon':
      name = `@${handle(lang).replace(/\./g, '_')}@${pick(lang === 'fr' ? ['piaille.fr', 'mamot.fr', 'mastodon.social'] : ['mastodon.social', 'fosstodon.org', 'mas.to'])}`;
      break;
    case 'bluesky':
      name = `${handle(lang).replace(/_/g, '-').replace(/\./g, '-').toLowerCase()}.bsky.social`;
      break;
    default:
      name = personName(lang);
  }
  pool.push(name);
  return name;
}

const usedIds = new Map<string, Set<string>>();

function uniqueId(source: string, make: () => string): string {
  const set = usedIds.get(source) ?? new Set<string>();
  usedIds.set(source, set);
  for (;;) {
    const id = make();
    if (!set.has(id)) {
      set.add(id);
      return id;
    }
  }
}

const B32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const YT_ALPHABET = `${ALNUM}_-`;

/** Bluesky record key (TID): microseconds << 10 | clock id, base32-sortable, 13 characters. */
function tid(t: number): string {
  let v = (BigInt(t) * 1000n + BigInt(int(0, 999))) << 10n;
  v |= BigInt(int(0, 1023));
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = (B32_SORTABLE[Number(v & 31n)] as string) + out;
    v >>= 5n;
  }
  return out;
}

/** Mastodon status id: milliseconds << 16 | sequence. */
function snowflake(t: number): string {
  return ((BigInt(t) << 16n) | BigInt(int(0, 65535))).toString();
}

const YOUTUBE_VIDEOS: { id: string; brand: Brand | 'both'; from: number }[] = [
  { id: 'q3LmVb8TzKe', brand: 'acme', from: LAUNCH_DAY }, // Barista 2 unboxing
  { id: 'Xo2pR7wYhNc', brand: 'acme', from: LAUNCH_DAY + 1 }, // Barista 2 review
  { id: 'b9UeKt4sQaM', brand: 'acme', from: 0 }, // pods taste test
  { id: 'Hn6vJ1cZrWd', brand: 'both', from: 0 }, // Acme vs Globex
  { id: 'tK8aPy3LmoE', brand: 'globex', from: 0 }, // Brewmaster long-term review
  { id: 'Ve5sNq0GdRi', brand: 'acme', from: CRISIS_FIRST + 2 }, // "where is my order" vlog
];

const REDDIT_THREADS: { sub: string; post: string; slug: string; lang: Lang; from: number; crisis?: boolean }[] = [
  { sub: 'Coffee', post: '1o8k2fz', slug: 'acme_barista_2_first_impressions', lang: 'en', from: LAUNCH_DAY },
  { sub: 'espresso', post: '1o3vx7a', slug: 'pod_machines_worth_it_in_2026', lang: 'en', from: 0 },
  { sub: 'BuyItForLife', post: '1nz4q0c', slug: 'smart_coffee_machines_that_last', lang: 'en', from: 0 },
  { sub: 'Coffee', post: '1oq7d3m', slug: 'anyone_else_waiting_on_an_acme_order', lang: 'en', from: CRISIS_FIRST + 1, crisis: true },
  { sub: 'europe', post: '1oqb9x2', slug: 'parcel_carrier_strike_delays', lang: 'en', from: CRISIS_FIRST + 1, crisis: true },
  { sub: 'france', post: '1o9a6rk', slug: 'vos_avis_sur_les_machines_acme', lang: 'fr', from: 0 },
  { sub: 'AskFrance', post: '1o5tj1w', slug: 'quelle_machine_a_capsules_choisir', lang: 'fr', from: 0 },
  { sub: 'france', post: '1oqc4n8', slug: 'greve_chez_un_transporteur_colis_bloques', lang: 'fr', from: CRISIS_FIRST + 1, crisis: true },
  { sub: 'Quebec', post: '1o7h2sv', slug: 'machine_a_cafe_connectee_ca_vaut_la_peine', lang: 'fr', from: 0 },
];

interface Placement {
  id: string;
  url?: string;
}

function place(source: Source, lang: Lang, t: number, authorName: string, brand: Brand | 'both', phase: Phase): Placement {
  const day = Math.floor((t - START) / DAY_MS);
  switch (source) {
    case 'trustpilot': {
      const id = uniqueId(source, () => randomChars('0123456789abcdef', 24));
      const page = brand === 'globex' ? 'globex-coffee.example' : 'acme-coffee.example';
      return { id, url: `https://${lang === 'fr' ? 'fr' : 'www'}.trustpilot.com/reviews/${id}?business=${page}` };
    }
    case 'appstore':
      return { id: uniqueId(source, () => String(int(11000000000, 11999999999))) };
    case 'youtube': {
      const videos = YOUTUBE_VIDEOS.filter(
        (v) => v.from <= day && (v.brand === brand || v.brand === 'both' || brand === 'both'),
      );
      const crisisVideo = videos.find((v) => v.from === CRISIS_FIRST + 2);
      const video = phase === 'crisis' && crisisVideo && chance(0.6) ? crisisVideo : pick(videos);
      const id = uniqueId(source, () => `Ug${pick(['x', 'y', 'z', 'w'])}${randomChars(YT_ALPHABET, 19)}4AaABAg`);
      return { id, url: `https://www.youtube.com/watch?v=${video.id}&lc=${id}` };
    }
    case 'reddit': {
      const threads = REDDIT_THREADS.filter((r) => r.lang === lang && r.from <= day);
      const crisisThreads = threads.filter((r) => r.crisis);
      const thread = phase === 'crisis' && crisisThreads.length > 0 && chance(0.7) ? pick(crisisThreads) : pick(threads.filter((r) => !r.crisis));
      const comment = uniqueId(source, () => randomChars('0123456789abcdefghijklmnopqrstuvwxyz', 7));
      return { id: `t1_${comment}`, url: `https://www.reddit.com/r/${thread.sub}/comments/${thread.post}/${thread.slug}/${comment}/` };
    }
    case 'mastodon': {
      const id = uniqueId(source, () => snowflake(t));
      const [, user, host] = /^@([^@]+)@(.+)$/.exec(authorName) ?? [];
      return { id, url: `https://${host ?? 'mastodon.social'}/@${user ?? 'anon'}/${id}` };
    }
    case 'bluesky': {
      const id = uniqueId(source, () => tid(t));
      return { id, url: `https://bsky.app/profile/${authorName}/post/${id}` };
    }
    case 'rss':
      throw new Error('rss mentions are scripted');
  }
}

/** Posts sharing one of the news articles, in the days after it came out. */
const LINK_POSTS: { from: number; to: number; lang: Lang; tone: Tone; subject: string; texts: string[] }[] = [
  {
    from: LAUNCH_DAY, to: LAUNCH_DAY + 3, lang: 'en', tone: 'positive', subject: 'launch',
    texts: [
      'Glowing review of the {B} Barista 2: https://www.gadgetkitchen.example/reviews/acme-barista-2-review {posE}',
      '9/10 for the Acme Barista 2 from Gadget Kitchen Weekly. Very tempted. https://www.gadgetkitchen.example/reviews/acme-barista-2-review',
      'Read this and now I want a Barista 2 😅 https://www.gadgetkitchen.example/reviews/acme-barista-2-review #Acme',
    ],
  },
  {
    from: LAUNCH_DAY + 1, to: LAUNCH_DAY + 4, lang: 'fr', tone: 'positive', subject: 'launch',
    texts: [
      'Le test de la Barista 2 {deB} donne sacrément envie : https://www.techcuisine.example/tests/acme-barista-2 {posE}',
      "« Un sans-faute ou presque » pour la Barista 2 d'Acme. Je craque ou pas ? https://www.techcuisine.example/tests/acme-barista-2",
    ],
  },
  {
    from: CRISIS_FIRST + 2, to: CRISIS_FIRST + 4, lang: 'en', tone: 'negative', subject: 'crisis',
    texts: [
      "So it's not just me. {B} deliveries stuck because of a carrier strike: https://www.consumerwire.example/2026/11/08/acme-customers-waiting-carrier-strike {negE}",
      'Explains a lot about my missing {B} order: https://www.consumerwire.example/2026/11/08/acme-customers-waiting-carrier-strike',
    ],
  },
  {
    from: CRISIS_FIRST + 3, to: CRISIS_FIRST + 5, lang: 'fr', tone: 'negative', subject: 'crisis',
    texts: [
      "Voilà pourquoi mon colis {B} n'arrive pas : https://www.consomag.example/2026/11/09/greve-transporteur-colis-acme-bloques {negE}",
      'Je suis donc pas la seule à attendre ma commande {B} : https://www.consomag.example/2026/11/09/greve-transporteur-colis-acme-bloques',
    ],
  },
  {
    from: RECOVERY_FIRST, to: RECOVERY_FIRST + 2, lang: 'en', tone: 'positive', subject: 'recovery',
    texts: [
      'Good: {B} apologises and promises refunds plus free pods. https://www.gadgetkitchen.example/news/acme-apologises-delivery-refunds',
      'About time, {B}. https://www.gadgetkitchen.example/news/acme-apologises-delivery-refunds #refund',
    ],
  },
  {
    from: RECOVERY_FIRST + 1, to: RECOVERY_FIRST + 3, lang: 'fr', tone: 'positive', subject: 'recovery',
    texts: [
      "{B} s'excuse et promet des remboursements sous dix jours, on verra bien : https://www.consomag.example/2026/11/14/livraisons-acme-excuses-remboursements",
      'Enfin des excuses officielles. Reste à être remboursé 🙃 https://www.consomag.example/2026/11/14/livraisons-acme-excuses-remboursements #Acme',
    ],
  },
];

function linkPost(ctx: Ctx): Body | null {
  const entry = LINK_POSTS.find((l) => l.lang === ctx.lang && ctx.day >= l.from && ctx.day <= l.to);
  if (!entry || !chance(0.3)) return null;
  const text = fresh(entry.texts, ctx, true);
  return text ? { text, tone: entry.tone, subject: entry.subject } : null;
}

/** Which lines carry a `lang` hint: sources that know the language say so more often. */
const LANG_HINT: Record<Source, number> = {
  trustpilot: 0.55,
  appstore: 0.5,
  youtube: 0.15,
  reddit: 0.15,
  mastodon: 0.9,
  bluesky: 0.9,
  rss: 0.6,
};

// ---------------------------------------------------------------------------------------------------
// Composition

function hasWord(text: string, word: string): boolean {
  const words: string[] = ascii(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.includes(word);
}

function ensureBrand(text: string, ctx: Ctx, openers: readonly string[]): string {
  if (hasWord(text, ctx.brand)) return text;
  return glue([opener(openers, ctx), text]);
}

function opener(openers: readonly string[], ctx: Ctx): string {
  return fresh(openers, ctx) as string;
}

function casual(text: string, lang: Lang): string {
  let out = text;
  if (chance(0.12)) out = out.toLowerCase();
  if (chance(0.25)) out = out.replace(/\.$/, '');
  if (lang === 'en' && chance(0.15)) out = out.replace(/\bgood\b/, 'sooo good').replace(/\bbad\b/, 'sooo bad');
  return out;
}

function decorate(text: string, ctx: Ctx, pol: Pol | null, tags: string[], maxLen: number): string {
  const { lang, brand } = ctx;
  let out = text;
  if (pol && chance(0.35)) {
    const e = fresh(EXCLAIMS[lang][pol], ctx, true);
    if (e && out.length + e.length + 2 <= maxLen) out = /(^|\s)[^\s#@]*[\p{L}\p{N}]$/u.test(out) ? `${out}. ${e}` : `${out} ${e}`;
  }
  if (chance(0.4)) {
    const emoji = pol === 'neg' ? pick(['😡', '🙄', '😤', '😞', '🤦', '💀']) : pol === 'pos' ? pick(['☕', '😍', '👌', '🙌', '✨', '😋', '❤️']) : pick(['🤔', '☕', '👀']);
    if (out.length + 3 <= maxLen) out = `${out} ${emoji}`;
  }
  if (chance(0.35)) {
    const tagPool = [...tags.filter((tag) => lang === 'fr' || !FRENCH_TAGS.has(tag)), brand === 'acme' ? '#Acme' : '#Globex'];
    const n = int(1, 2);
    const chosen = new Set<string>();
    for (let i = 0; i < n; i++) chosen.add(pick(tagPool));
    const suffix = [...chosen].filter((tag) => !out.toLowerCase().includes(tag.toLowerCase())).join(' ');
    if (suffix && out.length + suffix.length + 1 <= maxLen) out = `${out} ${suffix}`;
  }
  return out;
}

function topicSentence(ctx: Ctx, topic: Topic, pol: Pol): string {
  const special = ctx.brand === 'globex' && topic !== 'launch' && topic !== 'app' && chance(0.2);
  const pool = special ? GLOBEX_EXTRA[ctx.lang][pol] : TOPIC[ctx.lang][topic][pol];
  return fresh(pool, ctx) ?? (fresh(TOPIC[ctx.lang].taste[pol], ctx) as string);
}

const NORMAL_TOPICS: Record<Topic, number> = {
  taste: 22,
  price: 14,
  build: 12,
  app: 12,
  service: 10,
  delivery: 7,
  eco: 11,
  launch: 0,
};

function pickTopic(day: number, brand: Brand, source: Source): Topic {
  if (source === 'appstore') return chance(0.8) ? 'app' : weighted({ service: 1, taste: 1 });
  const weights = { ...NORMAL_TOPICS };
  if (brand === 'acme' && day >= LAUNCH_DAY) weights.launch = day <= LAUNCH_DAY + 3 ? 60 - (day - LAUNCH_DAY) * 12 : 8;
  return weighted(weights);
}

function pickTone(phase: Phase, brand: Brand): Tone {
  if (brand === 'globex') return weighted({ positive: 48, negative: 32, mixed: 20 });
  if (phase === 'crisis') return weighted({ positive: 30, negative: 55, mixed: 15 });
  if (phase === 'launch') return weighted({ positive: 66, negative: 18, mixed: 16 });
  return weighted({ positive: 58, negative: 25, mixed: 17 });
}

interface Body {
  text: string;
  title?: string;
  tone: Tone;
  subject: string;
  rating?: number;
}

function rating(tone: Tone, subject: string): number {
  if (subject === 'crisis') return chance(0.85) ? 1 : 2;
  if (subject === 'recovery') return tone === 'positive' ? pick([3, 4, 4, 5]) : pick([1, 2, 2]);
  if (tone === 'positive') return chance(0.62) ? 5 : 4;
  if (tone === 'negative') return chance(0.58) ? 1 : 2;
  return pick([2, 3, 3, 3, 4]);
}

/** A normal (non-crisis) body for a review, comment or post. */
function normalBody(ctx: Ctx, format: Format, source: Source): Body {
  const { lang } = ctx;
  const topic = pickTopic(ctx.day, ctx.brand, source);
  const tone = pickTone(ctx.phase, ctx.brand);
  const openers = source === 'appstore' ? APP_OPENERS[lang] : OPENERS[lang];
  const parts: string[] = [];

  const mainPol: Pol = tone === 'negative' ? 'neg' : 'pos';
  const secondTopic = (): Topic => {
    const t = weighted(NORMAL_TOPICS);
    return t === topic ? 'taste' : t;
  };

  if (format === 'review') {
    if (chance(0.7)) parts.push(opener(openers, ctx));
    parts.push(topicSentence(ctx, topic, mainPol));
    if (tone === 'mixed') parts.push(topicSentence(ctx, chance(0.5) ? topic : secondTopic(), 'neg'));
    else if (chance(0.55)) parts.push(topicSentence(ctx, secondTopic(), mainPol));
    if (parts.length < 4 && chance(0.3)) parts.push(topicSentence(ctx, secondTopic(), tone === 'mixed' ? 'pos' : mainPol));
    const closer = fresh(CLOSERS[lang][tone === 'mixed' ? 'mixed' : mainPol], ctx, true);
    if (closer && (parts.length < 2 || chance(0.6))) parts.push(closer);
    const text = ensureBrand(glue(parts.slice(0, 5)), ctx, openers);
    const key = tone === 'mixed' ? 'mixed' : mainPol;
    return { text, title: reviewTitle(lang, topic, key), tone, subject: topic, rating: rating(tone, topic) };
  }

  if (format === 'comment') {
    if (chance(0.45)) parts.push(opener(openers, ctx));
    if (chance(0.12)) parts.push(pick(INTERJECTIONS[lang][mainPol]) + lowerFirst(topicSentence(ctx, topic, mainPol)));
    else parts.push(topicSentence(ctx, topic, mainPol));
    if (tone === 'mixed') parts.push(topicSentence(ctx, secondTopic(), 'neg'));
    else if (chance(0.35)) parts.push(topicSentence(ctx, secondTopic(), mainPol));
    let text = ensureBrand(glue(parts), ctx, openers);
    text = decorate(casual(text, lang), ctx, tone === 'mixed' ? null : mainPol, HASHTAGS[topic] ?? [], 600);
    return { text, tone, subject: topic };
  }

  // post: one opener and one or two sentences, 60..280 characters
  for (let attempt = 0; attempt < 20; attempt++) {
    // Some posts are addressed to the brand's support account or reply to someone: no opener then.
    const to = mainPol === 'neg' && chance(0.25) ? (ctx.brand === 'acme' ? '@acme_support' : '@globex_help') : chance(0.08) ? slot('friend', ctx) : null;
    const p: string[] = [];
    if (to === null && chance(0.6)) p.push(opener(POST_OPENERS[lang], ctx));
    p.push(topicSentence(ctx, topic, mainPol));
    if (tone === 'mixed') p.push(topicSentence(ctx, secondTopic(), 'neg'));
    let text = to === null ? ensureBrand(glue(p), ctx, POST_OPENERS[lang]) : `${to} ${glue(p)}`;
    text = decorate(casual(text, lang), ctx, tone === 'mixed' ? null : mainPol, HASHTAGS[topic] ?? [], 280);
    if (!hasWord(text, ctx.brand)) text = `${text} #${ctx.brand === 'acme' ? 'Acme' : 'Globex'}`;
    if (text.length >= 60 && text.length <= 280) return { text, tone, subject: topic };
  }
  throw new Error('could not build a post of the right length');
}

/** Words that keep their capital at the start of a clause. */
const PROPER = new Set([
  'I', "I'm", "I'd", "I've", "I'll", 'Acme', 'Globex', 'Barista', 'Mini', 'Duo', 'Brewmaster', 'Crema', 'Bluetooth',
  'Ristretto', 'Ethiopia', 'Colombia', 'Hazelnut', 'Velvet', 'Dark', 'Classico', 'Intenso', 'Vanilla', 'Caramel',
  'Origine', 'Colombie', 'Grand', 'Noisette', 'Déca', 'Lungo', 'Vanille', ...AGENTS,
]);

/** Lower-cases the first letter of a clause, unless it starts a name or "I". */
function lowerFirst(s: string): string {
  const first = /^[\p{L}'’]+/u.exec(s)?.[0] ?? '';
  if (first.length < 2 || PROPER.has(first) || first === first.toUpperCase()) return s;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Joins the parts of a text; a part that follows a colon or a comma starts in lower case. */
function glue(parts: readonly string[]): string {
  let out = '';
  for (const part of parts) {
    if (out === '') out = part;
    else out = /[:,]\s*$/.test(out) ? `${out} ${lowerFirst(part)}` : `${out} ${part}`;
  }
  return out;
}

function crisisBody(ctx: Ctx, format: Format, source: Source): Body {
  const { lang } = ctx;
  const k = ctx.day - CRISIS_FIRST; // 0..6
  const pool = () => (chance(k < 3 ? 0.75 : 0.3) ? CRISIS[lang].early : CRISIS[lang].late);
  const openers = CRISIS_OPENERS[lang];

  if (format === 'post') {
    for (let attempt = 0; attempt < 20; attempt++) {
      let text = chance(0.6)
        ? (fresh(CRISIS_POSTS[lang], ctx) as string)
        : glue([opener(CRISIS_POST_OPENERS[lang], ctx), fresh(pool(), ctx) as string]);
      text = ensureBrand(text, ctx, CRISIS_POST_OPENERS[lang]);
      text = decorate(casual(text, lang), ctx, 'neg', HASHTAGS.crisis ?? [], 280);
      if (text.length >= 60 && text.length <= 280) return { text, tone: 'negative', subject: 'crisis' };
    }
    throw new Error('could not build a crisis post');
  }

  const parts: string[] = [];
  if (format === 'review' || chance(0.5)) parts.push(opener(source === 'appstore' ? APP_OPENERS[lang] : openers, ctx));
  if (source === 'appstore') parts.push(fresh(CRISIS[lang].app, ctx) as string);
  const n = format === 'review' ? int(1, 3) : int(1, 2);
  for (let i = 0; i < n; i++) {
    const s = fresh(pool(), ctx, i > 0);
    if (s && !parts.includes(s)) parts.push(s);
  }
  if (format === 'review' && chance(0.6)) {
    const closer = fresh(CRISIS_CLOSERS[lang], ctx, true);
    if (closer) parts.push(closer);
  } else if (format === 'comment' && chance(0.3)) {
    const e = fresh(EXCLAIMS[lang].neg, ctx, true);
    if (e) parts.push(e);
  }
  let text = ensureBrand(glue(parts.slice(0, 5)), ctx, openers);
  if (format === 'comment') text = decorate(casual(text, lang), ctx, 'neg', [], 600);
  const body: Body = { text, tone: 'negative', subject: 'crisis' };
  if (format === 'review') {
    body.title = pick(TITLES[lang].crisis);
    body.rating = rating('negative', 'crisis');
  }
  return body;
}

function recoveryBody(ctx: Ctx, format: Format): Body {
  const { lang } = ctx;
  const good = chance(0.66);
  const tone: Tone = good ? 'positive' : 'negative';
  const pool = RECOVERY[lang][good ? 'pos' : 'neg'];
  const parts: string[] = [];
  if (format === 'review' && chance(0.5)) parts.push(opener(CRISIS_OPENERS[lang], ctx));
  parts.push(fresh(pool, ctx) as string);
  if (format !== 'post' && chance(0.4)) {
    const closer = good ? fresh(RECOVERY_CLOSERS[lang], ctx, true) : fresh(CRISIS_CLOSERS[lang], ctx, true);
    if (closer) parts.push(closer);
  }
  let text = ensureBrand(glue(parts), ctx, OPENERS[lang]);
  if (format !== 'review') text = decorate(text, ctx, good ? 'pos' : 'neg', HASHTAGS.recovery ?? [], format === 'post' ? 280 : 600);
  if (format === 'post' && text.length < 60) text = `${text} ${lang === 'fr' ? 'Bref, on avance.' : 'Anyway, moving on.'}`;
  const body: Body = { text, tone, subject: 'recovery' };
  if (format === 'review') {
    body.title = pick(TITLES[lang].recovery.filter((t) => good === !/still|toujours/i.test(t)));
    body.rating = rating(tone, 'recovery');
  }
  return body;
}

function questionBody(ctx: Ctx): Body {
  const text = fresh(QUESTIONS[ctx.lang], ctx) as string;
  return { text: chance(0.2) ? `${text} ${pick(['🤔', '☕', '👀'])}` : text, tone: 'neutral', subject: 'question' };
}

function compareBody(ctx: Ctx, format: Format): Body {
  const { lang } = ctx;
  const crisisish = ctx.phase === 'crisis' || (ctx.phase === 'recovery' && chance(0.3));
  const pool = COMPARISONS[lang][crisisish ? 'crisis' : 'normal'].filter((t) => format !== 'review' || !t.endsWith('?'));
  let text = fresh(pool, ctx) as string;
  const tone: Tone = crisisish ? 'negative' : /\?$/.test(text) ? 'neutral' : 'mixed';
  if (format !== 'post' && chance(0.5)) {
    const extra = fresh(COMPARE_FOLLOWUPS[lang][crisisish ? 'crisis' : 'normal'], ctx, true);
    if (extra) text = `${text} ${extra}`;
  }
  if (format !== 'review') text = decorate(text, ctx, crisisish ? 'neg' : null, HASHTAGS.compare ?? [], 280);
  const body: Body = { text, tone, subject: 'compare' };
  if (format === 'review') {
    body.title = pick(TITLES[lang][crisisish ? 'crisis' : 'mixed']);
    body.rating = crisisish ? 1 : 3;
  }
  return body;
}

function formatOf(source: Source): Format {
  if (source === 'trustpilot' || source === 'appstore') return 'review';
  if (source === 'youtube' || source === 'reddit') return 'comment';
  if (source === 'rss') return 'news';
  return 'post';
}

function pickSource(phase: Phase, kind: 'acme' | 'globex' | 'compare' | 'question'): Source {
  if (kind === 'question') return weighted({ reddit: 40, youtube: 20, mastodon: 18, bluesky: 22 });
  if (kind === 'compare') return weighted({ reddit: 35, youtube: 20, bluesky: 20, mastodon: 10, trustpilot: 15 });
  if (kind === 'globex') return weighted({ trustpilot: 26, appstore: 8, youtube: 16, reddit: 22, mastodon: 12, bluesky: 16 });
  if (phase === 'crisis') return weighted({ trustpilot: 36, appstore: 6, youtube: 6, reddit: 16, mastodon: 14, bluesky: 22 });
  if (phase === 'launch') return weighted({ trustpilot: 16, appstore: 8, youtube: 24, reddit: 20, mastodon: 14, bluesky: 18 });
  return weighted({ trustpilot: 24, appstore: 11, youtube: 14, reddit: 18, mastodon: 14, bluesky: 19 });
}

function makeLine(source: Source, lang: Lang, t: number, brand: Brand | 'both', phase: Phase, body: Body): MentionLine {
  const authorName = author(source, lang);
  const where = place(source, lang, t, authorName, brand, phase);
  const line: MentionLine = { source, id: where.id, ...(body.title !== undefined ? { title: body.title } : {}), text: body.text };
  line.author = authorName;
  if (where.url !== undefined) line.url = where.url;
  line.published_at = isoSeconds(t);
  if (body.rating !== undefined) line.rating = body.rating;
  if (chance(LANG_HINT[source])) line.lang = lang;
  return line;
}

// ---------------------------------------------------------------------------------------------------
// Scripted items: news articles and the brand's own posts

interface Scripted {
  day: number;
  hour: number;
  source: Source;
  lang: Lang;
  brands: Brand[];
  tone: Tone;
  subject: string;
  author: string;
  title?: string;
  text: string;
  /** For rss: the article url (also its id). */
  url?: string;
}

const NEWS: Scripted[] = [
  {
    day: 0, hour: 7, source: 'rss', lang: 'en', brands: ['globex'], tone: 'positive', subject: 'price',
    author: 'Dana Whitfield', url: 'https://www.brewreport.example/2026/10/22/globex-cuts-brewmaster-price',
    title: 'Globex cuts Brewmaster price ahead of the holiday season',
    text: 'Globex has lowered the price of its Brewmaster pod machine to €249, a move analysts read as an attempt to get ahead of a busy launch season for smart coffee machines. The company says the cut is permanent. Pods and the Brewmaster Pro keep their current prices.',
  },
  {
    day: 2, hour: 8, source: 'rss', lang: 'fr', brands: ['acme'], tone: 'neutral', subject: 'launch',
    author: 'Claire Vasseur', url: 'https://www.lepetitelectro.example/actu/2026/10/24/acme-nouvelle-machine-connectee',
    title: 'Acme prépare une nouvelle machine à café connectée pour la fin du mois',
    text: "Acme a envoyé des invitations pour une présentation le 26 octobre. D'après nos informations, il s'agirait d'une Barista 2, successeur de sa machine à capsules connectée. Le fabricant n'a communiqué ni prix ni date de disponibilité.",
  },
  {
    day: LAUNCH_DAY, hour: 9, source: 'rss', lang: 'en', brands: ['acme'], tone: 'positive', subject: 'launch',
    author: 'Marcus Ellery', url: 'https://www.gadgetkitchen.example/reviews/acme-barista-2-review',
    title: 'Acme Barista 2 review: the smart pod machine finally grows up',
    text: "The Acme Barista 2 heats up in under ten seconds, takes both compostable pods and ground coffee, and produces the best milk foam we have seen from a machine at this price. The new touchscreen is responsive and the app, long Acme's weak spot, is finally stable. At €449 it is not cheap, but it is the easiest recommendation in the category this year. Verdict: 9/10.",
  },
  {
    day: LAUNCH_DAY + 1, hour: 10, source: 'rss', lang: 'fr', brands: ['acme'], tone: 'positive', subject: 'launch',
    author: 'Nathalie Roussel', url: 'https://www.techcuisine.example/tests/acme-barista-2',
    title: "On a testé la Barista 2 d'Acme : un sans-faute ou presque",
    text: "Chauffe éclair, mousse de lait digne d'un comptoir, capsules compostables : la Barista 2 d'Acme coche presque toutes les cases. On regrette un prix de lancement élevé (449 €) et un réservoir un peu juste pour une famille. Mais pour un couple amateur d'espresso, c'est la machine à capsules à battre cette année.",
  },
  {
    day: 9, hour: 7, source: 'rss', lang: 'en', brands: ['acme', 'globex'], tone: 'neutral', subject: 'eco',
    author: 'Dana Whitfield', url: 'https://www.brewreport.example/2026/10/31/compostable-pods-acme-globex',
    title: 'Compostable pods: how Acme and Globex compare',
    text: "We buried pods from Acme and Globex in a home compost bin for twelve weeks. Acme's plant-based pods had mostly broken down; Globex's aluminium pods, which the company says should go back through its recycling scheme, had not. Neither brand's outer packaging is plastic-free yet.",
  },
  {
    day: 12, hour: 9, source: 'rss', lang: 'fr', brands: ['globex'], tone: 'neutral', subject: 'app',
    author: 'Claire Vasseur', url: 'https://www.lepetitelectro.example/actu/2026/11/03/globex-nouvelle-appli',
    title: 'Globex refond enfin son application',
    text: "Globex déploie une nouvelle version de son application pour les machines Brewmaster et Crema One. Au programme : programmation des cafés, suivi de la consommation de capsules et un design revu. Les premiers retours d'utilisateurs sont plutôt positifs.",
  },
  {
    day: CRISIS_FIRST + 2, hour: 11, source: 'rss', lang: 'en', brands: ['acme'], tone: 'negative', subject: 'crisis',
    author: 'Owen Prakash', url: 'https://www.consumerwire.example/2026/11/08/acme-customers-waiting-carrier-strike',
    title: 'Acme customers left waiting as carrier strike snarls deliveries',
    text: "Customers of smart coffee machine maker Acme say orders placed since late October have not arrived, with tracking pages frozen and customer service lines saturated. A strike at one of the company's delivery partners appears to be the main cause. Several buyers told us they had asked for a refund without receiving a reply. Acme said it was 'working around the clock' to get parcels moving.",
  },
  {
    day: CRISIS_FIRST + 3, hour: 8, source: 'rss', lang: 'fr', brands: ['acme'], tone: 'negative', subject: 'crisis',
    author: 'Romain Lefort', url: 'https://www.consomag.example/2026/11/09/greve-transporteur-colis-acme-bloques',
    title: "Grève chez un transporteur : colis bloqués et clients d'Acme excédés",
    text: "Machines jamais reçues, capsules en retard, suivi muet : depuis une semaine, les clients d'Acme multiplient les plaintes sur les réseaux sociaux. En cause, une grève chez l'un de ses transporteurs, doublée selon nos informations d'une panne informatique dans son entrepôt principal. Le service client, débordé, peine à répondre aux demandes de remboursement.",
  },
  {
    day: CRISIS_FIRST + 5, hour: 14, source: 'rss', lang: 'en', brands: ['acme'], tone: 'negative', subject: 'crisis',
    author: 'Owen Prakash', url: 'https://www.consumerwire.example/2026/11/11/acme-warehouse-system-failure',
    title: 'Acme admits warehouse system failure on top of carrier strike',
    text: 'Acme has confirmed that a failure of its warehouse management system left thousands of orders unshipped last week, compounding delays caused by a strike at a delivery partner. The company says all pending orders will leave the warehouse by Thursday and that customers whose parcels are lost will be refunded in full.',
  },
  {
    day: RECOVERY_FIRST, hour: 9, source: 'rss', lang: 'en', brands: ['acme'], tone: 'positive', subject: 'recovery',
    author: 'Marcus Ellery', url: 'https://www.gadgetkitchen.example/news/acme-apologises-delivery-refunds',
    title: 'Acme apologises for delivery chaos, promises refunds and free pods',
    text: "Acme's chief executive has apologised to customers hit by last week's delivery problems. Every affected order gets a full refund on request plus a free box of pods, and the company says refund requests will be processed within ten days. It is also adding a second carrier to avoid depending on a single partner.",
  },
  {
    day: RECOVERY_FIRST + 1, hour: 7, source: 'rss', lang: 'fr', brands: ['acme'], tone: 'positive', subject: 'recovery',
    author: 'Romain Lefort', url: 'https://www.consomag.example/2026/11/14/livraisons-acme-excuses-remboursements',
    title: 'Livraisons : Acme présente ses excuses et promet des remboursements sous dix jours',
    text: "Après une semaine chaotique, Acme présente ses excuses à ses clients. Les commandes perdues seront remboursées sous dix jours, avec une boîte de capsules offerte, et la marque annonce un second transporteur. Reste à voir si la confiance reviendra aussi vite.",
  },
  {
    day: 27, hour: 10, source: 'rss', lang: 'en', brands: ['acme', 'globex'], tone: 'neutral', subject: 'compare',
    author: 'Dana Whitfield', url: 'https://www.brewreport.example/2026/11/18/globex-sees-opportunity',
    title: 'Globex sees an opening as its rival stumbles',
    text: "Globex is running a 'delivered in 48 hours, guaranteed' campaign just days after Acme's delivery troubles. Globex still trails Acme on reviews of its machines, but the timing is hard to miss. Acme's Barista 2 remains one of the season's best-reviewed coffee machines.",
  },
  {
    day: 28, hour: 8, source: 'rss', lang: 'fr', brands: ['acme', 'globex'], tone: 'neutral', subject: 'compare',
    author: 'Nathalie Roussel', url: 'https://www.techcuisine.example/dossiers/machines-a-cafe-connectees-2026',
    title: 'Machines à café connectées : le marché en pleine ébullition',
    text: "Entre la Barista 2 d'Acme, saluée par la critique, et la Brewmaster de Globex, désormais moins chère, le match des machines connectées se joue sur le prix, l'appli et les capsules. Côté écologie, les capsules compostables d'Acme gardent une longueur d'avance.",
  },
];

const BRAND_POSTS: Scripted[] = [
  {
    day: LAUNCH_DAY, hour: 16, source: 'bluesky', lang: 'en', brands: ['acme'], tone: 'positive', subject: 'launch',
    author: 'acme-coffee.bsky.social',
    text: 'Meet the Acme Barista 2: 9-second heat-up, pods or ground coffee, café-grade milk foam. Available today at https://acme-coffee.example/barista-2 ☕ #AcmeBarista2',
  },
  {
    day: LAUNCH_DAY, hour: 17, source: 'mastodon', lang: 'fr', brands: ['acme'], tone: 'positive', subject: 'launch',
    author: '@acme_cafe@mastodon.social',
    text: "Elle est là : la Barista 2 d'Acme. Chauffe en 9 secondes, capsules compostables ou café moulu, mousse de lait comme au comptoir. Disponible dès aujourd'hui ☕ https://acme-coffee.example/fr/barista-2",
  },
  {
    day: CRISIS_FIRST + 1, hour: 18, source: 'bluesky', lang: 'en', brands: ['acme'], tone: 'negative', subject: 'crisis',
    author: 'acme-coffee.bsky.social',
    text: "We know many of you are waiting for orders. A strike at one of our carriers is delaying deliveries and our team is working on it. We're sorry, and we'll post updates here. — Acme",
  },
  {
    day: CRISIS_FIRST + 3, hour: 12, source: 'mastodon', lang: 'fr', brands: ['acme'], tone: 'negative', subject: 'crisis',
    author: '@acme_cafe@mastodon.social',
    text: "Beaucoup de commandes Acme sont en retard à cause d'une grève chez un transporteur et d'une panne dans notre entrepôt. Notre service client est débordé, on répond à tout le monde, promis. Toutes nos excuses.",
  },
  {
    day: CRISIS_LAST, hour: 17, source: 'bluesky', lang: 'en', brands: ['acme'], tone: 'positive', subject: 'recovery',
    author: 'acme-coffee.bsky.social',
    text: "Update: every delayed Acme order has now left our warehouse. Parcel lost? Request a full refund at https://acme-coffee.example/refund and we'll add a free box of pods. Again, we're sorry.",
  },
  {
    day: CRISIS_LAST, hour: 18, source: 'mastodon', lang: 'fr', brands: ['acme'], tone: 'positive', subject: 'recovery',
    author: '@acme_cafe@mastodon.social',
    text: "Bonne nouvelle : toutes les commandes Acme en retard sont parties de l'entrepôt. Colis perdu ? Remboursement intégral + une boîte de capsules offerte sur https://acme-coffee.example/fr/remboursement. Encore pardon.",
  },
];

function scriptedLine(s: Scripted): Generated {
  const t = timestamp(s.day, s.hour);
  let line: MentionLine;
  if (s.source === 'rss') {
    line = { source: 'rss', id: s.url as string, title: s.title, text: s.text, author: s.author, url: s.url, published_at: isoSeconds(t) };
  } else {
    const where = place(s.source, s.lang, t, s.author, 'acme', phaseOf(s.day));
    line = { source: s.source, id: where.id, text: s.text, author: s.author, url: where.url, published_at: isoSeconds(t) };
  }
  if (chance(LANG_HINT[s.source])) line.lang = s.lang;
  commit(s.text);
  return { line, meta: { lang: s.lang, brands: s.brands, tone: s.tone, subject: s.subject, phase: phaseOf(s.day) } };
}

// ---------------------------------------------------------------------------------------------------
// The month

/** Acme volume multiplier per day: launch bump, the bad week, the recovery tail. */
function acmeMultiplier(day: number): number {
  const crisis = [2.4, 2.9, 3.2, 3.3, 3.2, 3.0, 2.7];
  const recovery = [1.55, 1.3, 1.1, 1.0];
  if (day >= CRISIS_FIRST && day <= CRISIS_LAST) return crisis[day - CRISIS_FIRST] as number;
  if (day >= RECOVERY_FIRST && day <= RECOVERY_LAST) return recovery[day - RECOVERY_FIRST] as number;
  if (day >= LAUNCH_DAY && day <= LAUNCH_DAY + 3) return [1.5, 1.35, 1.2, 1.05][day - LAUNCH_DAY] as number;
  const weekday = new Date(dayStart(day)).getUTCDay();
  return weekday === 0 || weekday === 6 ? 0.92 : 1;
}

const ACME_BASE = 6.5;
const GLOBEX_BASE = 2.3;
const COMPARE_RATE = 0.55;

/** 60 % English, 40 % French, kept close to that share all along rather than left to chance. */
let langDrawn = 0;
let enDrawn = 0;
function nextLang(): Lang {
  const drift = 0.6 * langDrawn - enDrawn; // > 0: English is behind
  const lang: Lang = chance(Math.min(0.95, Math.max(0.05, 0.6 + 0.15 * drift))) ? 'en' : 'fr';
  langDrawn++;
  if (lang === 'en') enDrawn++;
  return lang;
}

function generate(): Generated[] {
  const out: Generated[] = [];
  for (const s of [...NEWS, ...BRAND_POSTS]) out.push(scriptedLine(s));

  for (let day = 0; day < DAYS; day++) {
    const phase = phaseOf(day);
    const acmeCount = Math.max(2, Math.round(ACME_BASE * acmeMultiplier(day) * (0.9 + 0.2 * rand())));
    const globexCount = Math.max(0, Math.round(GLOBEX_BASE * (0.7 + 0.6 * rand())));
    const compareCount = Math.round(COMPARE_RATE * (phase === 'crisis' ? 1.6 : 1) * (0.3 + 1.4 * rand()));

    for (let i = 0; i < acmeCount; i++) {
      const lang = nextLang();
      const t = timestamp(day);
      let kind: 'crisis' | 'recovery' | 'question' | 'normal' | 'contrarian' = 'normal';
      if (phase === 'crisis') {
        const share = [0.62, 0.76, 0.82, 0.86, 0.86, 0.82, 0.72][day - CRISIS_FIRST] as number;
        kind = chance(share) ? 'crisis' : chance(0.18) ? 'contrarian' : 'normal';
      } else if (phase === 'recovery') {
        kind = chance([0.62, 0.5, 0.36, 0.2][day - RECOVERY_FIRST] as number) ? 'recovery' : 'normal';
      }
      if (kind === 'normal' && chance(0.1)) kind = 'question';
      const source = pickSource(phase, kind === 'question' ? 'question' : 'acme');
      const format = formatOf(source);
      const body = unique(() => {
      const ctx = newCtx(lang, 'acme', day, phase === 'launch');
      let body: Body;
      const shared = format === 'post' && kind !== 'question' && kind !== 'contrarian' ? linkPost(ctx) : null;
      if (shared) body = shared;
      else if (kind === 'crisis') body = crisisBody(ctx, format, source);
      else if (kind === 'recovery') body = recoveryBody(ctx, format);
      else if (kind === 'question') body = questionBody(ctx);
      else if (kind === 'contrarian') {
        const text = fresh(CRISIS_CONTRARIAN[lang], ctx) as string;
        body = { text, tone: 'positive', subject: 'delivery' };
        if (format === 'review') {
          body.title = pick(TITLES[lang].pos);
          body.rating = 5;
        }
      } else body = normalBody(ctx, format, source);
      return body;
      });
      out.push(finish(source, lang, t, 'acme', phase, body, ['acme']));
    }

    for (let i = 0; i < globexCount; i++) {
      const lang = nextLang();
      const t = timestamp(day);
      const question = chance(0.1);
      const source = pickSource(phase, question ? 'question' : 'globex');
      const body = unique(() => {
        const ctx = newCtx(lang, 'globex', day);
        return question ? questionBody(ctx) : normalBody(ctx, formatOf(source), source);
      });
      out.push(finish(source, lang, t, 'globex', phase, body, ['globex']));
    }

    for (let i = 0; i < compareCount; i++) {
      const lang = nextLang();
      const t = timestamp(day);
      const source = pickSource(phase, 'compare');
      const body = unique(() => compareBody(newCtx(lang, 'acme', day), formatOf(source)));
      out.push(finish(source, lang, t, 'both', phase, body, ['acme', 'globex']));
    }
  }

  out.sort((a, b) =>
    (a.line.published_at as string).localeCompare(b.line.published_at as string) ||
    a.line.source.localeCompare(b.line.source) ||
    a.line.id.localeCompare(b.line.id),
  );
  return out;
}

const POST_TAILS: Record<Lang, { question: string[]; statement: string[] }> = {
  en: {
    question: ['Asking for a friend.', 'Tips welcome.', 'Thinking about getting one.', 'Help a sleepy person out.', 'Thanks in advance!'],
    statement: ['Just saying.', 'Anyway.', 'That is all.', 'Carry on.', 'Thoughts?', 'Anyone else?'],
  },
  fr: {
    question: ['Je demande pour un ami.', "Merci d'avance !", "J'hésite à craquer.", 'Vos conseils sont les bienvenus.'],
    statement: ['Voilà voilà.', 'Je dis ça, je dis rien.', 'Bref.', 'Des avis ?', "Quelqu'un d'autre ?"],
  },
};

/** Posts are 60..280 characters: pads short ones with a tail (before any trailing emoji and hashtags). */
function fitPost(text: string, lang: Lang, brand: Brand | 'both'): string {
  const m = /^(.*?)((?:\s+(?:#\S+|[\p{Extended_Pictographic}\u{FE0F}\u{200D}]+))*)$/su.exec(text);
  let core = m?.[1] ?? text;
  let decoration = m?.[2] ?? '';
  const tails = [...POST_TAILS[lang][/\?$/.test(core) ? 'question' : 'statement']];
  while (core.length + decoration.length < 60 && tails.length > 0) {
    const tail = tails.splice(Math.floor(rand() * tails.length), 1)[0] as string;
    core = /[\p{L}\p{N}]$/u.test(core) ? `${core}. ${tail}` : `${core} ${tail}`;
  }
  if (core.length + decoration.length < 60) {
    decoration += ` ${brand === 'globex' ? '#Globex' : '#Acme'} ${lang === 'fr' ? '#café' : '#coffee'}`;
  }
  const out = core + decoration;
  return out.length > 280 ? out.slice(0, 279).replace(/\s+\S*$/, '') + '…' : out;
}

const seenTexts = new Set<string>();

/** Builds a body until its text is new (exact duplicates would look like re-posts). */
function unique(build: () => Body): Body {
  let body = build();
  for (let attempt = 0; attempt < 20 && seenTexts.has(body.text.replace(/\s+/g, ' ').trim()); attempt++) body = build();
  return body;
}

function finish(source: Source, lang: Lang, t: number, brand: Brand | 'both', phase: Phase, body: Body, brands: Brand[]): Generated {
  let text = body.text.replace(/\s+/g, ' ').trim();
  if (formatOf(source) === 'post') text = fitPost(text, lang, brand);
  seenTexts.add(text);
  commit(text);
  const line = makeLine(source, lang, t, brand, phase, { ...body, text });
  return { line, meta: { lang, brands, tone: body.tone, subject: body.subject, phase } };
}

// ---------------------------------------------------------------------------------------------------
// The small file of good and bad lines used in docs and tests

const BAD_LINES: { line: string; bad?: string }[] = [
  {
    line: JSON.stringify({ source: 'trustpilot', id: 'demo-bad-01', title: 'Lovely machine', text: 'My Acme Mini makes a lovely lungo every morning. Setup took five minutes.', author: 'Rosa T.', published_at: '2026-11-18T08:14:02Z', rating: 5, lang: 'en' }),
  },
  {
    line: '{"source": "reddit", "id": "t1_demobad02", "text": "Acme support finally answered me, the line was cut here',
    bad: 'not JSON (the object is truncated)',
  },
  {
    line: JSON.stringify({ source: 'mastodon', id: 'demo-bad-03', text: "Capsules Acme reçues en deux jours, rien à redire. ☕", author: '@tartine_curieux@piaille.fr', published_at: '2026-11-18T09:40:11Z', lang: 'fr' }),
  },
  {
    line: JSON.stringify({ source: 'bluesky', id: 'demo-bad-04', author: 'grumpy-otter.bsky.social', url: 'https://bsky.app/profile/grumpy-otter.bsky.social/post/demo-bad-04', published_at: '2026-11-18T10:02:45Z' }),
    bad: 'no `text`',
  },
  {
    line: JSON.stringify({ source: 'youtube', id: 'demo-bad-05', text: 'Does the Acme Barista 2 work with oat milk?', author: '@quiet-panda', published_at: '2026-11-18T11:30:00Z' }),
  },
  {
    line: JSON.stringify({ source: 'trustpilot', id: 'demo-bad-06', title: 'Colis perdu', text: "Jamais reçu ma commande Acme, c'est pas sérieux.", author: 'Karim B.', published_at: 'yesterday', rating: 1 }),
    bad: '`published_at` is not an ISO 8601 date ("yesterday")',
  },
  {
    line: JSON.stringify({ source: 'appstore', id: 'demo-bad-07', title: 'Best app ever', text: 'The Acme app is great, schedules my coffee perfectly.', author: 'brewfox12', published_at: '2026-11-18T13:05:27Z', rating: 9, lang: 'en' }),
    bad: '`rating` out of range (9; stars are 1..5)',
  },
  {
    line: JSON.stringify({ source: 'reddit', id: 't1_demobad08', text: 'Globex or Acme for a first pod machine? Budget is tight.', author: 'paper_reader', url: 'https://www.reddit.com/r/Coffee/comments/1o3vx7a/pod_machines_worth_it_in_2026/demobad08/', published_at: '2026-11-18T14:22:19Z' }),
  },
  {
    line: JSON.stringify({ source: 'mastodon', id: 'demo-bad-09', text: '', author: '@owl_reader@mas.to', published_at: '2026-11-18T15:47:50Z', lang: 'en' }),
    bad: 'empty `text`',
  },
  {
    line: JSON.stringify({ source: 'rss', id: 'https://www.brewreport.example/2026/11/18/acme-refunds-update', title: 'Acme says most refunds are done', text: 'Acme says nine in ten refund requests from the delivery incident have now been paid.', author: 'Dana Whitfield', url: 'https://www.brewreport.example/2026/11/18/acme-refunds-update', published_at: '2026-11-18T16:00:00Z' }),
  },
];

// ---------------------------------------------------------------------------------------------------
// Validation and summary

const SOURCES: Source[] = ['trustpilot', 'appstore', 'youtube', 'reddit', 'mastodon', 'bluesky', 'rss'];
const REVIEW_SOURCES = new Set<string>(['trustpilot', 'appstore']);

/** 7-day buckets aligned on the bad week; the single days at each end are their own rows. */
const WEEKS: { label: string; from: number; to: number }[] = [
  { label: '10-22 (1 day)', from: 0, to: 0 },
  { label: '10-23 .. 10-29', from: 1, to: 7 },
  { label: '10-30 .. 11-05', from: 8, to: 14 },
  { label: '11-06 .. 11-12 (bad week)', from: 15, to: 21 },
  { label: '11-13 .. 11-19', from: 22, to: 28 },
  { label: '11-20 (1 day)', from: 29, to: 29 },
];

/** Words of the delivery story, English and French. */
const DELIVERY_WORDS = /\b(deliver\w*|late|refund\w*|parcels?|tracking|livr\w*|colis|retard\w*|rembours\w*|suivi)\b/i;

interface Parsed {
  line: MentionLine;
  day: number;
}

function validate(path: string): { errors: string[]; parsed: Parsed[] } {
  const errors: string[] = [];
  const parsed: Parsed[] = [];
  const ids = new Set<string>();
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const n = i + 1;
    let obj: MentionLine;
    try {
      obj = JSON.parse(raw) as MentionLine;
    } catch {
      errors.push(`line ${n}: not JSON`);
      return;
    }
    if (typeof obj.source !== 'string' || !SOURCES.includes(obj.source as Source)) errors.push(`line ${n}: bad source`);
    if (typeof obj.id !== 'string' || obj.id === '') errors.push(`line ${n}: bad id`);
    const key = `${obj.source}\u0000${obj.id}`;
    if (ids.has(key)) errors.push(`line ${n}: duplicate (source, id)`);
    ids.add(key);
    if (typeof obj.text !== 'string' || obj.text.trim() === '') errors.push(`line ${n}: missing or empty text`);
    const t = Date.parse(obj.published_at ?? '');
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(obj.published_at ?? '') || Number.isNaN(t) || t < START || t > END)
      errors.push(`line ${n}: published_at outside the window`);
    if (obj.rating !== undefined && (!Number.isInteger(obj.rating) || obj.rating < 1 || obj.rating > 5)) errors.push(`line ${n}: rating`);
    if (REVIEW_SOURCES.has(obj.source) !== (obj.rating !== undefined)) errors.push(`line ${n}: rating only (and always) on reviews`);
    if (obj.lang !== undefined && obj.lang !== 'en' && obj.lang !== 'fr') errors.push(`line ${n}: lang`);
    if (obj.source === 'rss' && !obj.title) errors.push(`line ${n}: news without title`);
    if (['mastodon', 'bluesky'].includes(obj.source) && (obj.text.length < 60 || obj.text.length > 280))
      errors.push(`line ${n}: post length ${obj.text.length}`);
    if (!hasWord(obj.text ?? '', 'acme') && !hasWord(obj.text ?? '', 'globex')) errors.push(`line ${n}: mentions no brand`);
    parsed.push({ line: obj, day: Math.floor((t - START) / DAY_MS) });
  });
  return { errors, parsed };
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const fmt = (r: string[]) => `| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c] as number) : v.padStart(widths[c] as number))).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w, c) => (c === 0 ? ':' : '') + '-'.repeat(w + 1) + (c === 0 ? '' : ':')).join('|')}|`, ...cells.slice(1).map(fmt)].join('\n');
}

function summary(parsed: Parsed[], meta: Meta[] | null): string {
  const out: string[] = [];
  const isAcme = (p: Parsed) => hasWord(p.line.text, 'acme');
  const isGlobex = (p: Parsed) => hasWord(p.line.text, 'globex');
  const total = parsed.length;
  const pct = (n: number) => `${((100 * n) / total).toFixed(1)} %`;

  const acme = parsed.filter(isAcme).length;
  const globex = parsed.filter(isGlobex).length;
  const both = parsed.filter((p) => isAcme(p) && isGlobex(p)).length;
  out.push(`${total} mentions, ${new Set(parsed.map((p) => p.line.text)).size} distinct texts.`);
  out.push('');
  out.push(table(['brand (word in text)', 'mentions', 'share'], [
    ['Acme', acme, pct(acme)],
    ['Globex', globex, pct(globex)],
    ['both', both, pct(both)],
    ['Acme only', acme - both, pct(acme - both)],
    ['Globex only', globex - both, pct(globex - both)],
  ]));
  out.push('');

  const hinted = parsed.filter((p) => p.line.lang !== undefined).length;
  if (meta) {
    const en = meta.filter((m) => m.lang === 'en').length;
    out.push(table(['language (as written)', 'mentions', 'share'], [
      ['en', en, pct(en)],
      ['fr', total - en, pct(total - en)],
      ['with a `lang` field', hinted, pct(hinted)],
    ]));
  } else {
    out.push(`${hinted} lines (${pct(hinted)}) carry a \`lang\` field.`);
  }
  out.push('');

  out.push(table(['source', 'mentions', 'with rating', 'mean stars'], SOURCES.map((s) => {
    const rows = parsed.filter((p) => p.line.source === s);
    const rated = rows.filter((p) => p.line.rating !== undefined);
    const mean = rated.length ? (rated.reduce((a, p) => a + (p.line.rating as number), 0) / rated.length).toFixed(2) : '';
    return [s, rows.length, rated.length, mean];
  })));
  out.push('');

  const weekRows = WEEKS.map((w) => {
    const rows = parsed.filter((p) => p.day >= w.from && p.day <= w.to);
    const idx = parsed.map((p, i) => ({ p, i })).filter(({ p }) => p.day >= w.from && p.day <= w.to);
    const acmeRows = idx.filter(({ p }) => isAcme(p));
    const neg = meta ? acmeRows.filter(({ i }) => meta[i]?.tone === 'negative').length : 0;
    const stars = rows.filter((p) => isAcme(p) && p.line.rating !== undefined);
    const mean = stars.length ? (stars.reduce((a, p) => a + (p.line.rating as number), 0) / stars.length).toFixed(2) : '';
    const deliveryWords = rows.filter((p) => isAcme(p) && DELIVERY_WORDS.test(p.line.text)).length;
    const base = [w.label, rows.length, acmeRows.length, rows.filter(isGlobex).length];
    return meta
      ? [...base, acmeRows.length ? `${Math.round((100 * neg) / acmeRows.length)} %` : '', deliveryWords, mean]
      : [...base, deliveryWords, mean];
  });
  out.push(table(
    meta
      ? ['week (2026)', 'all', 'Acme', 'Globex', 'Acme negative', 'Acme delivery words', 'Acme mean stars']
      : ['week (2026)', 'all', 'Acme', 'Globex', 'Acme delivery words', 'Acme mean stars'],
    weekRows,
  ));
  const normal = [1, 2, 4].map((w) => parsed.filter((p) => isAcme(p) && p.day >= (WEEKS[w] as { from: number }).from && p.day <= (WEEKS[w] as { to: number }).to).length);
  const bad = parsed.filter((p) => isAcme(p) && p.day >= CRISIS_FIRST && p.day <= CRISIS_LAST).length;
  const normalMean = normal.reduce((a, b) => a + b, 0) / normal.length;
  const quiet = normal[1] as number;
  out.push('');
  out.push(`Acme in the bad week: ${bad}, ${(bad / normalMean).toFixed(2)}× the mean of the other full weeks (${normalMean.toFixed(1)}), ${(bad / quiet).toFixed(2)}× the quiet week 10-30 .. 11-05 (${quiet}).`);
  out.push('');

  const days: (string | number)[][] = [];
  for (let d = 0; d < DAYS; d++) {
    const rows = parsed.filter((p) => p.day === d);
    days.push([`${isoDay(d)} ${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(dayStart(d)).getUTCDay()]} ${phaseOf(d) === 'normal' ? '' : phaseOf(d)}`.trim(), rows.length, rows.filter(isAcme).length, rows.filter(isGlobex).length]);
  }
  out.push(table(['day', 'all', 'Acme', 'Globex'], days));
  out.push('');

  const counts = new Map<string, number>();
  for (const p of parsed) for (const s of sentences(p.line.text)) counts.set(s, (counts.get(s) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const lengths = parsed.map((p) => p.line.text.length).sort((a, b) => a - b);
  out.push(`Text length: min ${lengths[0]}, median ${lengths[Math.floor(lengths.length / 2)]}, max ${lengths[lengths.length - 1]} characters.`);
  out.push(`Most repeated sentences: ${top.map(([s, c]) => `${c}× "${s}"`).join('; ')}.`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Main

function packageRoot(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg)) {
        try {
          if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ecoute') return dir;
        } catch {
          // not ours; keep climbing
        }
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error('cannot find the ecoute package root (run from inside the project or pass --out DIR)');
}

function main(): void {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const outDir = outIdx >= 0 && args[outIdx + 1] ? resolve(args[outIdx + 1] as string) : join(packageRoot(), 'config', 'demo');
  const mentionsPath = join(outDir, 'mentions.jsonl');
  const badPath = join(outDir, 'bad-lines.jsonl');

  if (args.includes('--check')) {
    const { errors, parsed } = validate(mentionsPath);
    console.log(summary(parsed, null));
    if (errors.length) {
      console.error(errors.join('\n'));
      process.exitCode = 1;
    }
    return;
  }

  const generated = generate();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(mentionsPath, generated.map((g) => JSON.stringify(g.line)).join('\n') + '\n');
  writeFileSync(badPath, BAD_LINES.map((b) => b.line).join('\n') + '\n');

  const { errors, parsed } = validate(mentionsPath);
  console.log(`wrote ${mentionsPath} and ${badPath}\n`);
  console.log(summary(parsed, generated.map((g) => g.meta)));
  const bad = BAD_LINES.map((b, i) => (b.bad ? `  line ${i + 1}: ${b.bad}` : null)).filter((s) => s !== null);
  console.log(`\nbad-lines.jsonl: ${BAD_LINES.length} lines, bad ones:\n${bad.join('\n')}`);
  if (errors.length) {
    console.error(`\n${errors.length} problems:\n${errors.slice(0, 30).join('\n')}`);
    process.exitCode = 1;
  }
}

main();
