// Query text → our AST. The grammar is Lucene's (parsed by the `lucene` package) restricted to what
// every backend can run, plus what analysts write in Brandwatch/Talkwalker: words, "phrases",
// AND / OR / NOT (also && || - !), parentheses, implicit AND between adjacent terms, suffix
// wildcards (`livr*`, 3 letters at least before the `*`), proximity `a NEAR/n b` (either order) and
// `a ONEAR/n b` (in order), and the fields of QUERY_FIELDS (`rating:<=2`, `date:2026-11-01..2026-11-15`).
// Other wildcards, Lucene ranges, fuzzy, `~` proximity, boosts and regular expressions are rejected
// with a QuerySyntaxError naming the column. Lucene's grammar has no NEAR operator: the pre-scan
// rewrites `NEAR/n` into an escaped word the grammar keeps in place, and the converter folds it
// into a proximity node (binding tighter than AND) while regrouping the chain.
//
// Bounds (QUERY_LIMITS): length, parenthesis depth, number of operands and proximity distance are
// checked before the grammar runs, so no input makes it (or a backend) recurse without end.
//
// Precedence: NOT binds tightest, then AND (explicit or implicit), then OR, so `a OR b AND c` is
// `a OR (b AND c)`. The lucene package itself nests every chain to the right without precedence
// (`a AND b OR c` comes back as `a AND (b OR c)`), so chains are flattened and regrouped here.
import { createRequire } from 'node:module';
import { fold, foldedWords } from '../nlp/normalize.js';
import { QUERY_FIELDS, QUERY_FLAGS, QUERY_LIMITS, QuerySyntaxError, type QueryField, type QueryNode } from './ast.js';
import { normalizeSite } from './site.js';

export { QuerySyntaxError } from './ast.js';
export type { QueryNode, QueryField } from './ast.js';

// --- the lucene package's AST (it ships no types) -------------------------------------------

interface LLocation {
  start: { offset: number };
  end: { offset: number };
}
interface LTerm {
  field: string;
  fieldLocation?: LLocation | null;
  term: string;
  quoted: boolean;
  regex: boolean;
  similarity?: number | null;
  boost?: number | null;
  proximity?: number | null;
  prefix?: string | null;
  termLocation?: LLocation;
}
interface LRange {
  field: string;
  fieldLocation?: LLocation | null;
  term_min: string;
  term_max: string;
}
interface LNode {
  start?: string;
  left?: LAny;
  operator?: string;
  right?: LAny;
  parenthesized?: boolean;
  field?: string;
  fieldLocation?: LLocation | null;
}
type LAny = LTerm | LRange | LNode;

interface LuceneModule {
  parse(text: string): LNode;
  term: { unescape(text: string): string };
  phrase: { unescape(text: string): string };
}
interface PegSyntaxError extends Error {
  found?: string | null;
  location?: LLocation;
}

const require = createRequire(import.meta.url);
// CommonJS without typings: required and typed here rather than through a global declaration.
const lucene = require('lucene') as LuceneModule;

const IMPLICIT = '<implicit>';
const SENTIMENTS = ['positive', 'neutral', 'negative', 'mixed'];

// --- entry point ----------------------------------------------------------------------------

/** Parses a boolean query; the empty (or blank) query is `{type: 'all'}`. */
export function parseQuery(text: string): QueryNode {
  if (typeof text !== 'string') throw new QuerySyntaxError('query must be a string');
  if (text.length > QUERY_LIMITS.maxLength) {
    throw new QuerySyntaxError(`query is too long (${text.length} characters; at most ${QUERY_LIMITS.maxLength})`, QUERY_LIMITS.maxLength);
  }
  const source = prescan(text);
  if (source.canonical.trim() === '') return { type: 'all' };

  let ast: LNode;
  try {
    ast = lucene.parse(source.canonical);
  } catch (err) {
    const e = err as PegSyntaxError;
    // Anything else from the grammar (it should not happen) is still the query's fault: say so
    // with the code every caller handles rather than crash.
    if (!e.location) throw new QuerySyntaxError(`the query could not be parsed (${e.message})`);
    const offset = source.original(e.location.start.offset);
    const what = e.found == null ? 'unexpected end of query' : `unexpected ${JSON.stringify(e.found)}`;
    throw new QuerySyntaxError(`${what} ${source.where(offset)}`, offset);
  }
  return simplify(new Converter(source).any(ast, undefined));
}

// --- pre-scan: what the lucene grammar swallows silently -------------------------------------
//
// The grammar drops a dangling operator (`a AND` parses as `a`), keeps only the first of two
// operators in a row (`a AND OR b`), reads `AND NOT` as one operator only with a single space
// between, needs a space after an operator before a parenthesis, and cannot negate a group with
// `-(...)`. So the text is first scanned into coarse tokens to reject the first cases with a clear
// message, and rewritten into a canonical form the grammar reads as meant (`&&` → `AND`,
// `-(` → `NOT (`, one space between tokens, `/` inside words escaped), keeping a map from every
// canonical offset back to the user's text for error positions.

type TokenKind = 'op' | 'not' | 'open' | 'close' | 'operand' | 'fieldgroup';
interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
}

interface Prescanned {
  canonical: string;
  /** Offset in the user's text of a canonical offset. */
  original(canonicalOffset: number): number;
  /** "at column N" (or "at line L, column N" for multi-line queries). */
  where(offset: number): string;
}

function prescan(text: string): Prescanned {
  let out = '';
  const map: number[] = [];
  const emit = (s: string, at: number): void => {
    out += s;
    for (let k = 0; k < s.length; k++) map.push(at);
  };
  const where = (offset: number): string => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return text.includes('\n') ? `at line ${line}, column ${column}` : `at column ${column}`;
  };
  const columnOf = (offset: number): number => offset - (text.slice(0, offset).lastIndexOf('\n') + 1) + 1;
  const fail = (message: string, offset: number): never => {
    throw new QuerySyntaxError(`${message} ${where(offset)}`, offset, columnOf(offset));
  };

  const tokens: Token[] = [];
  const opens: number[] = [];
  // The operand being built when a quote directly follows a word (`lang:"x"`, `-"a b"`).
  let adjacent: Token | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      emit(' ', i - 1);
      adjacent = undefined;
      continue;
    }
    if (c === '(') {
      tokens.push({ kind: 'open', text: c, offset: i });
      opens.push(i);
      if (opens.length > QUERY_LIMITS.maxDepth) fail(`too many nested parentheses (at most ${QUERY_LIMITS.maxDepth} levels)`, i);
      emit(c, i);
      i++;
      adjacent = undefined;
      continue;
    }
    if (c === ')') {
      if (opens.length === 0) fail('")" has no matching "("', i);
      opens.pop();
      tokens.push({ kind: 'close', text: c, offset: i });
      emit(c, i);
      i++;
      adjacent = undefined;
      continue;
    }
    if (c === '[' || c === '{') {
      fail(`ranges (${c === '[' ? '[a TO b]' : '{a TO b}'}) are not supported`, i);
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) fail('unclosed quote opened', start);
      i++; // closing quote
      for (let k = start; k < i; k++) emit(text[k]!, k);
      if (adjacent) adjacent.text += text.slice(start, i);
      else tokens.push({ kind: 'operand', text: text.slice(start, i), offset: start });
      adjacent = tokens[tokens.length - 1];
      continue;
    }
    // Lucene's /regular expression/ (it may hold spaces and parentheses); "/r/france" is not one.
    const slash = c === '/' ? i : /[-!+]/.test(c) && text[i + 1] === '/' ? i + 1 : -1;
    if (slash >= 0) {
      const close = text.indexOf('/', slash + 1);
      if (close > slash + 1 && (close + 1 === text.length || /[\s)]/.test(text[close + 1]!))) {
        fail(`regular expressions are not supported (${text.slice(i, close + 1)})`, i);
      }
    }
    // A chunk: everything up to whitespace, a parenthesis or a quote (backslash escapes included).
    const start = i;
    while (i < text.length && !/[\s()"]/.test(text[i]!)) i += text[i] === '\\' ? 2 : 1;
    i = Math.min(i, text.length);
    const chunk = text.slice(start, i);
    const next = text[i];
    const near = /^(O?)NEAR(?:\/(.*))?$/.exec(chunk);
    if (near) {
      const name = `${near[1]}NEAR/`;
      if (near[2] === undefined) fail(`${chunk} needs a distance: write ${name}n, n words at most between the two sides`, start);
      if (!/^\d+$/.test(near[2]!)) fail(`${name} needs a number (${name}3)`, start);
      const distance = Number(near[2]);
      if (distance > QUERY_LIMITS.maxDistance) fail(`${name}${near[2]} is too far (at most ${name}${QUERY_LIMITS.maxDistance})`, start);
      tokens.push({ kind: 'op', text: chunk, offset: start });
      emit(`${near[1]}NEAR\\/${distance}`, start);
      if (next === '(' || next === '"') emit(' ', start);
      adjacent = undefined;
      continue;
    }
    if (chunk === 'AND' || chunk === '&&' || chunk === 'OR' || chunk === '||') {
      const op = chunk === '&&' ? 'AND' : chunk === '||' ? 'OR' : chunk;
      tokens.push({ kind: 'op', text: op, offset: start });
      emit(op, start);
      if (next === '(' || next === '"') emit(' ', start);
      adjacent = undefined;
      continue;
    }
    if (chunk === 'NOT' || ((chunk === '-' || chunk === '!') && next === '(')) {
      tokens.push({ kind: 'not', text: chunk, offset: start });
      emit('NOT', start);
      if (next === '(' || next === '"') emit(' ', start);
      adjacent = undefined;
      continue;
    }
    if (chunk === '+' && next === '(') {
      // A required group is just a group here: AND is the default.
      adjacent = undefined;
      continue;
    }
    if ((chunk === '-' || chunk === '!' || chunk === '+') && next !== '"') {
      fail(`"${chunk}" must be followed by a word, a "phrase" or a (group)`, start);
    }
    // Lucene writes a negated field `-lang:en`, but the grammar only takes the prefix after the
    // field name (`lang:-en`): move it there (or make it NOT before a field group).
    const field = /^([-!+])([^:\s\\]+:)/.exec(chunk);
    if (chunk.endsWith(':') && next === '(') {
      if (field) {
        if (field[1] !== '+') {
          tokens.push({ kind: 'not', text: field[1]!, offset: start });
          emit('NOT ', start);
        }
        tokens.push({ kind: 'fieldgroup', text: chunk.slice(1), offset: start + 1 });
        emit(chunk.slice(1), start + 1);
      } else {
        tokens.push({ kind: 'fieldgroup', text: chunk, offset: start });
        emit(chunk, start);
      }
      adjacent = undefined;
      continue;
    }
    tokens.push({ kind: 'operand', text: chunk, offset: start });
    adjacent = tokens[tokens.length - 1];
    let from = start;
    if (field) {
      const name = field[2]!;
      for (let k = 0; k < name.length; k++) emit(name[k]!, start + 1 + k);
      emit(field[1]!, start);
      from = start + 1 + name.length;
    }
    // `/` starts a regular expression in Lucene's grammar even inside a word ("24/7"): escape it,
    // so that it is an ordinary separator like in the indexed text.
    for (let k = from; k < i; k++) emit(text[k] === '/' && text[k - 1] !== '\\' ? '\\/' : text[k]!, k);
  }
  if (opens.length > 0) fail('"(" is never closed', opens[opens.length - 1]!);
  const operands = tokens.filter((t) => t.kind === 'operand');
  if (operands.length > QUERY_LIMITS.maxOperands) {
    fail(`too many terms (${operands.length}; at most ${QUERY_LIMITS.maxOperands})`, operands[QUERY_LIMITS.maxOperands]!.offset);
  }

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    const prev = tokens[t - 1];
    const next = tokens[t + 1];
    const startsOperand = next && (next.kind === 'operand' || next.kind === 'open' || next.kind === 'fieldgroup');
    if (token.kind === 'op') {
      if (!prev || prev.kind === 'open' || prev.kind === 'op' || prev.kind === 'not' || prev.kind === 'fieldgroup') {
        fail(`${token.text} has nothing on its left`, token.offset);
      }
      if (!startsOperand && next?.kind !== 'not') fail(`${token.text} has nothing on its right`, token.offset);
    } else if (token.kind === 'not') {
      if (!startsOperand) fail(`${token.text} must be followed by a word, a "phrase" or a (group)`, token.offset);
    }
  }

  return {
    canonical: out,
    original: (offset) => (offset >= map.length ? text.length : map[offset]!),
    where,
  };
}

// --- lucene AST → QueryNode -----------------------------------------------------------------

type Op = 'and' | 'or';

/** A `NEAR/n` operator as the grammar left it: a word between its two operands. */
interface NearMark {
  distance: number;
  ordered: boolean;
  name: string;
  at: number | undefined;
}

const NEAR_TERM = /^(O?)NEAR\/(\d+)$/;
const SIDE_TYPES = new Set<QueryNode['type']>(['term', 'phrase', 'prefix', 'near']);

class Converter {
  private readonly marks = new Map<QueryNode, NearMark>();

  constructor(private readonly source: Prescanned) {}

  private fail(message: string, canonicalOffset: number | undefined): never {
    if (canonicalOffset === undefined) throw new QuerySyntaxError(message);
    const offset = this.source.original(canonicalOffset);
    const where = this.source.where(offset);
    const column = /column (\d+)$/.exec(where);
    throw new QuerySyntaxError(`${message} ${where}`, offset, column ? Number(column[1]) : undefined);
  }

  /** `left NEAR/n right`: each side words, phrases, wildcards, OR groups of them or proximities. */
  private near(left: QueryNode, right: QueryNode | undefined, mark: NearMark): QueryNode {
    if (right === undefined || this.marks.has(right) || this.marks.has(left)) this.fail(`${mark.name} needs something on both sides`, mark.at);
    for (const side of [left, right!]) {
      const bad = badSide(side);
      if (bad) {
        this.fail(`${mark.name} joins words, "phrases", wildcards and (groups of them joined by OR), not ${bad}`, mark.at);
      }
    }
    const node: QueryNode = { type: 'near', distance: mark.distance, ordered: mark.ordered, children: [simplify(left), simplify(right!)] };
    // Each proximity nests the ones it joins: Elasticsearch refuses a request nested past 1,000
    // levels, and so many chained proximities say nothing a person means.
    if (nearDepth(node) > QUERY_LIMITS.maxDepth) {
      this.fail(`too many proximities chained: ${mark.name} nests more than ${QUERY_LIMITS.maxDepth} of them`, mark.at);
    }
    return node;
  }

  any(node: LAny, field: QueryField | undefined): QueryNode {
    if ('term_min' in node) {
      this.fail('ranges are not supported', node.fieldLocation?.start.offset);
    }
    if ('term' in node) return this.term(node, field);
    return this.chain(node, field);
  }

  /** A node and the right-nested nodes that continue it (`a AND b OR c`), regrouped by precedence. */
  private chain(node: LNode, field: QueryField | undefined): QueryNode {
    if (node.field !== undefined && node.field !== IMPLICIT) {
      const at = node.fieldLocation?.start.offset;
      if (field) this.fail(`field "${node.field}" inside the group of field "${field}"`, at);
      field = this.fieldName(node.field, at);
    }
    if (!node.left) {
      if (node.operator) this.fail(`${node.operator} has no operands`, undefined);
      return { type: 'all' };
    }
    const operands: QueryNode[] = [];
    const ops: Op[] = [];
    let negateNext = false;
    let current: LNode = node;
    for (;;) {
      let left = this.any(current.left!, field);
      if (current.start !== undefined && current.start !== 'NOT') {
        this.fail(`${current.start} has nothing on its left`, undefined);
      }
      if ((current.start === 'NOT') !== negateNext) left = { type: 'not', child: left };
      operands.push(left);
      if (current.right === undefined) break;
      const op = current.operator ?? IMPLICIT;
      ops.push(op === 'OR' || op === 'OR NOT' || op === '||' ? 'or' : 'and');
      negateNext = op === 'NOT' || op === 'AND NOT' || op === 'OR NOT';
      const right = current.right;
      if (isContinuation(right)) {
        current = right;
        continue;
      }
      let last = this.any(right, field);
      if (negateNext) last = { type: 'not', child: last };
      operands.push(last);
      break;
    }
    // Proximity binds tightest: fold `x NEAR/n y` (left to right) before AND and OR.
    if (this.marks.has(operands[0]!)) this.fail(`${this.marks.get(operands[0]!)!.name} needs something on both sides`, this.marks.get(operands[0]!)!.at);
    const folded: QueryNode[] = [operands[0]!];
    const foldedOps: Op[] = [];
    for (let k = 0; k < ops.length; k++) {
      const operand = operands[k + 1]!;
      const mark = this.marks.get(operand);
      if (mark) {
        if (ops[k + 1] === 'or') this.fail(`${mark.name} needs something on both sides`, mark.at);
        folded.push(this.near(folded.pop()!, operands[k + 2], mark));
        k++;
        continue;
      }
      foldedOps.push(ops[k]!);
      folded.push(operand);
    }
    // AND binds tighter than OR: split the flat chain at each OR.
    const groups: QueryNode[][] = [[folded[0]!]];
    foldedOps.forEach((op, k) => {
      if (op === 'or') groups.push([folded[k + 1]!]);
      else groups[groups.length - 1]!.push(folded[k + 1]!);
    });
    const ands = groups.map((g): QueryNode => (g.length === 1 ? g[0]! : { type: 'and', children: g }));
    return ands.length === 1 ? ands[0]! : { type: 'or', children: ands };
  }

  private term(node: LTerm, field: QueryField | undefined): QueryNode {
    const at = node.termLocation?.start.offset;
    const shown = node.quoted ? `"${node.term}"` : node.term;
    if (node.regex) this.fail('regular expressions are not supported', at);
    if (node.similarity != null) this.fail(`fuzzy search ("${node.term}~") is not supported`, at);
    if (node.proximity != null) this.fail(`proximity search (${shown}~${node.proximity}) is not supported`, at);
    if (node.boost != null) this.fail(`boosts (${shown}^${node.boost}) are not supported`, at);
    const nearTerm = node.quoted || node.field !== IMPLICIT ? null : NEAR_TERM.exec(lucene.term.unescape(node.term));
    if (nearTerm) {
      const mark: NearMark = { distance: Number(nearTerm[2]), ordered: nearTerm[1] === 'O', name: `${nearTerm[1]}NEAR/${nearTerm[2]}`, at };
      if (field) this.fail(`${mark.name} cannot be used inside the group of field "${field}"`, at);
      const marker: QueryNode = { type: 'all' };
      this.marks.set(marker, mark);
      return marker;
    }
    const wildcard = !node.quoted && /(^|[^\\])(\\\\)*[*?]/.test(node.term);
    if (node.field !== IMPLICIT) {
      const fieldAt = node.fieldLocation?.start.offset ?? at;
      if (field) this.fail(`field "${node.field}" inside the group of field "${field}"`, fieldAt);
      field = this.fieldName(node.field, fieldAt);
    }
    const text = node.quoted ? lucene.phrase.unescape(node.term) : lucene.term.unescape(node.term);
    const negated = node.prefix === '-' || node.prefix === '!';
    if (wildcard && (field === undefined || field === 'title')) {
      const prefix = this.wildcard(node.term, at);
      return negated ? { type: 'not', child: prefix } : prefix;
    }
    if (wildcard && field !== 'rating' && field !== 'date') {
      this.fail(`wildcards are not supported in field ${field}: ("${node.term}"; quote it to search the value itself)`, at);
    }
    const result = field ? this.fieldValue(field, text, at) : this.words(text, node.quoted, shown, at);
    return negated ? { type: 'not', child: result } : result;
  }

  private words(text: string, quoted: boolean, shown: string, at: number | undefined): QueryNode {
    if (quoted) {
      const words = foldedWords(text);
      if (words.length === 0) this.fail(`phrase ${shown} has no words`, at);
      return phraseNode(words, text);
    }
    // Accents are kept in the term: the French stemmer needs them to find the indexed form.
    const words = text.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
    if (words.length === 0) this.fail(`"${text}" has no letters or digits`, at);
    // A word that the text tokenizer splits ("e-mail", "l'appli", "24/7") is searched as a phrase.
    if (words.length > 1) return phraseNode(foldedWords(text), text);
    return { type: 'term', word: words[0]! };
  }

  private fieldName(name: string, at: number | undefined): QueryField {
    const lower = name.toLowerCase();
    if (!(QUERY_FIELDS as readonly string[]).includes(lower)) {
      this.fail(`unknown field "${name}" in query (known fields: ${QUERY_FIELDS.join(', ')})`, at);
    }
    return lower as QueryField;
  }

  /** `livr*`: a suffix wildcard on one word of 3 characters at least. */
  private wildcard(raw: string, at: number | undefined): QueryNode {
    const m = /^((?:[^*?\\]|\\.)*)\*$/.exec(raw);
    if (!m) this.fail(`wildcards are only supported as one "*" at the end of a word, as in livr* ("${raw}"; quote it to search the word itself)`, at);
    const words = foldedWords(lucene.term.unescape(m![1]!));
    if (words.length !== 1) this.fail(`a wildcard applies to one word ("${raw}")`, at);
    if ([...words[0]!].length < 3) this.fail(`a wildcard needs at least 3 letters before "*" ("${raw}" would match too many words)`, at);
    return { type: 'prefix', prefix: words[0]! };
  }

  private fieldValue(field: QueryField, text: string, at: number | undefined): QueryNode {
    let value = text.trim();
    if (value === '') this.fail(`empty value for field ${field}`, at);
    switch (field) {
      case 'title': {
        const words = foldedWords(value);
        if (words.length === 0) this.fail(`title:${text} has no letters or digits`, at);
        return { type: 'title', words };
      }
      case 'rating':
        return this.range('rating', value, at);
      case 'date':
        return this.range('date', value, at);
      case 'site': {
        const site = normalizeSite(value);
        if (site === undefined) this.fail(`site:${text} is not a host name (expected e.g. site:example.com)`, at);
        return { type: 'field', field, value: site! };
      }
      case 'flag':
        value = value.toLowerCase();
        if (!Object.hasOwn(QUERY_FLAGS, value)) this.fail(`unknown flag "${text}" (expected ${Object.keys(QUERY_FLAGS).join(', ')})`, at);
        return { type: 'field', field, value };
      case 'field':
        value = value.toLowerCase();
        if (!/^[\p{L}\p{N}_-]+$/u.test(value)) this.fail(`field:${text} is not a semantic field name (letters, digits, _ and - only)`, at);
        return { type: 'field', field, value };
      case 'author':
        return { type: 'field', field, value };
      default:
        break;
    }
    if (field === 'lang' || field === 'sentiment') value = fold(value);
    if (field === 'sentiment' && !SENTIMENTS.includes(value)) {
      this.fail(`unknown sentiment "${text}" (expected ${SENTIMENTS.join(', ')})`, at);
    }
    return { type: 'field', field, value };
  }

  /**
   * `rating:4`, `rating:<=2`, `rating:4..5`, `date:2026-11-01..2026-11-15`, `date:>=2026-11`: the
   * bounds as the stores compare them (rating on the stored 0..1 scale, widened by a hair so that
   * 0.25 stored as 0.25000000000000006 still counts; date in epoch ms, the end exclusive).
   */
  private range(field: 'rating' | 'date', value: string, at: number | undefined): QueryNode {
    const expected = field === 'rating' ? 'stars 1..5: rating:4, rating:<=2, rating:>3, rating:4..5' : 'days or months: date:2026-11-01, date:2026-11-01..2026-11-15, date:>=2026-11';
    const bad = (why: string): never => this.fail(`${field}:${value} ${why} (expected ${expected})`, at);
    const point = (v: string): [number, number] => {
      if (field === 'rating') {
        if (!/^\d+(\.\d+)?$/.test(v)) bad(`has "${v}", not a number of stars`);
        const stars = Number(v);
        if (stars < 1 || stars > 5) bad(`has ${v} stars, outside 1..5`);
        const stored = (stars - 1) / 4;
        return [stored - 1e-9, stored + 1e-9];
      }
      const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(v);
      if (!m) bad(`has "${v}", not a date`);
      const [y, mo, d] = [Number(m![1]), Number(m![2]), m![3] === undefined ? undefined : Number(m![3])];
      const start = Date.UTC(y, mo - 1, d ?? 1);
      const check = new Date(start);
      if (mo < 1 || mo > 12 || check.getUTCMonth() !== mo - 1 || (d !== undefined && check.getUTCDate() !== d)) bad(`has "${v}", not a calendar date`);
      const end = d === undefined ? Date.UTC(y, mo, 1) : Date.UTC(y, mo - 1, d + 1);
      return [start, end];
    };
    let min: number | undefined;
    let max: number | undefined;
    const cmp = /^(<=|>=|<|>)(.*)$/.exec(value);
    if (cmp) {
      const [lo, hi] = point(cmp[2]!.trim());
      const strictGap = field === 'rating' ? 2e-9 : 0;
      if (cmp[1] === '<=') max = hi;
      else if (cmp[1] === '<') max = field === 'rating' ? lo - strictGap : lo;
      else if (cmp[1] === '>=') min = lo;
      else min = field === 'rating' ? hi + strictGap : hi;
    } else if (value.includes('..')) {
      const parts = value.split('..');
      if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) bad('is not a range');
      if (parts[0] !== '') min = point(parts[0]!.trim())[0];
      if (parts[1] !== '') max = point(parts[1]!.trim())[1];
      if (min !== undefined && max !== undefined && min > max) bad('has its start after its end');
    } else {
      [min, max] = point(value);
    }
    const node: QueryNode = { type: 'range', field };
    if (min !== undefined) node.min = min;
    if (max !== undefined) node.max = max;
    return node;
  }
}

/** What a proximity side may not be, in words; undefined when it may. */
function badSide(node: QueryNode): string | undefined {
  if (SIDE_TYPES.has(node.type)) return undefined;
  if (node.type === 'or') {
    for (const child of node.children) {
      const bad = badSide(child);
      if (bad) return bad;
    }
    return undefined;
  }
  if (node.type === 'not') return 'a NOT';
  if (node.type === 'and') return 'an AND group (write a "phrase" or nest another NEAR/n)';
  if (node.type === 'all') return 'nothing';
  return `a field (${node.type === 'field' ? node.field : node.type === 'range' ? node.field : 'title'}:)`;
}

function isContinuation(node: LAny): node is LNode {
  return (
    !('term' in node) &&
    !('term_min' in node) &&
    node.left !== undefined &&
    node.parenthesized !== true &&
    (node.field === undefined || node.field === IMPLICIT)
  );
}

/** Flattens nested and/or, removes double negation and single-child groups. */
export function simplify(node: QueryNode): QueryNode {
  switch (node.type) {
    case 'not': {
      const child = simplify(node.child);
      return child.type === 'not' ? child.child : { type: 'not', child };
    }
    case 'and':
    case 'or': {
      const children: QueryNode[] = [];
      for (const c of node.children.map(simplify)) {
        if (c.type === node.type) children.push(...c.children);
        else children.push(c);
      }
      // `all` is neutral in AND and absorbing in OR.
      if (node.type === 'or' && children.some((c) => c.type === 'all')) return { type: 'all' };
      const kept = node.type === 'and' ? children.filter((c) => c.type !== 'all') : children;
      if (kept.length === 0) return { type: 'all' };
      return kept.length === 1 ? kept[0]! : { type: node.type, children: kept };
    }
    default:
      return node;
  }
}

/**
 * A phrase node; `written` keeps its words lower-cased with their accents when they differ from the
 * folded ones and line up with them, for the lemmas a proximity compares ("arrivée" stems to
 * "arriv", its folded "arrivee" to "arrive").
 */
function phraseNode(words: string[], text: string): QueryNode {
  const written = text.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  if (written.length === words.length && written.some((w, k) => w !== words[k])) return { type: 'phrase', words, written };
  return { type: 'phrase', words };
}

/** How many proximities a proximity side nests, itself included. */
function nearDepth(node: QueryNode): number {
  if (node.type === 'near') return 1 + Math.max(nearDepth(node.children[0]), nearDepth(node.children[1]));
  if (node.type === 'or') return Math.max(0, ...node.children.map(nearDepth));
  return 0;
}
