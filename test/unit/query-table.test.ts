// The shared query table (test/helpers/query-table.ts) against the in-memory matcher and against
// brand matching in the analyze stage; test/contract/store.contract.ts runs it against both stores.
import { describe, expect, it } from 'vitest';
import { checkConfig, parseConfig } from '../../src/config/load.js';
import { fieldsOf } from '../../src/query/ast.js';
import { compileMatcher, mentionMatchDoc } from '../../src/query/match.js';
import { parseQuery } from '../../src/query/parse.js';
import { brandMatcher, parseBrandQuery } from '../../src/streams/brands.js';
import { analyzeForTable, QUERY_TABLE, TABLE_RAW, tableMentions } from '../helpers/query-table.js';

const mentions = tableMentions();
const sorted = (ids: string[]) => [...ids].sort();
// Rows naming a field not known when brands are matched (brand:, sentiment:, field:, flag:) are search only.
const UNKNOWN_WHEN_MATCHING = ['brand', 'sentiment', 'field', 'flag'] as const;
const brandOnly = QUERY_TABLE.filter((row) => !UNKNOWN_WHEN_MATCHING.some((f) => fieldsOf(parseQuery(row.query)).has(f)));
const searchOnly = QUERY_TABLE.filter((row) => !brandOnly.includes(row));

describe('the query table: in-memory matcher over the analysed mentions', () => {
  it('has at least 60 queries', () => {
    expect(QUERY_TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(QUERY_TABLE)('$query', ({ query, expected }) => {
    const matcher = compileMatcher(parseQuery(query));
    expect(sorted(mentions.filter((m) => matcher(mentionMatchDoc(m))).map((m) => m.sourceId))).toEqual(sorted(expected));
  });
});

describe('the query table: the same query as a brand query, matched in the analyze stage', () => {
  it.each(brandOnly)('$query', ({ query, expected }) => {
    const brands = [{ id: 'q', name: 'Q', query, competitors: [] }];
    const got = TABLE_RAW.filter((raw) => analyzeForTable(raw, brands).brands.includes('q')).map((m) => m.sourceId);
    expect(sorted(got)).toEqual(sorted(expected));
  });

  it('an exclude query sees the fields too: query acme, exclude source:reddit', () => {
    const brands = [{ id: 'q', name: 'Q', query: 'acme', exclude: 'source:reddit OR lang:en', competitors: [] }];
    expect(TABLE_RAW.filter((raw) => analyzeForTable(raw, brands).brands.includes('q')).map((m) => m.sourceId)).toEqual(['q3-fr-trustpilot']);
  });

  it('lang is the analysed language: the hint when it wins, else what detection found', () => {
    const match = brandMatcher([{ id: 'fr', name: 'Fr', query: 'lang:fr', competitors: [] }]);
    const mention = TABLE_RAW.find((m) => m.sourceId === 'q7-en-hackernews')!;
    expect(match({ mention, body: mention.text, lemmas: [], lang: 'fr' })).toEqual(['fr']);
    expect(match({ mention, body: mention.text, lemmas: [], lang: 'en' })).toEqual([]);
    // The stage passes analysis.lang, detected from an English text with no hint.
    expect(analyzeForTable(mention, [{ id: 'en', name: 'En', query: 'lang:en', competitors: [] }]).brands).toEqual(['en']);
  });
});

describe('fields a brand query cannot know are refused, by the matcher and by config validation', () => {
  it.each(searchOnly)('$query', ({ query }) => {
    expect(() => parseBrandQuery(query)).toThrow(/cannot be used in a brand query/);
    expect(() => brandMatcher([{ id: 'q', name: 'Q', query, competitors: [] }])).toThrow(/cannot be used in a brand query/);
  });

  it('config validate: field: and flag: are refused with the brand path; the fields known then are fine', () => {
    const yaml = `brands:
  - { id: acme, name: Acme, query: 'acme site:acme.example title:acme rating:<=2 date:2026-03 author:x' }
  - { id: globex, name: Globex, query: 'globex NEAR/3 app*', exclude: 'flag:question' }
  - { id: initech, name: Initech, query: 'initech field:delivery' }
  - { id: umbrella, name: Umbrella, query: 'umbrella NEAR/x corp' }
`;
    const { problems } = checkConfig(yaml, 'ecoute.yaml');
    expect(problems).toEqual([
      expect.stringMatching(/^brands\[1\]\.exclude: field "flag:" cannot be used in a brand query \(at column 1\): flags are computed after/),
      expect.stringMatching(/^brands\[2\]\.query: field "field:" cannot be used in a brand query \(at column 9\): semantic fields are found after/),
      expect.stringMatching(/^brands\[3\]\.query: .*NEAR\/ needs a number \(NEAR\/3\) at column 10/),
    ]);
  });

  it('config validate names the brand, the key, the field and why', () => {
    const yaml = `brands:
  - { id: acme, name: Acme, query: 'acme AND sentiment:negative' }
  - { id: globex, name: Globex, query: globex, exclude: 'brand:acme' }
  - { id: initech, name: Initech, query: 'initech lang:fr -source:reddit' }
`;
    const { problems } = checkConfig(yaml, 'ecoute.yaml');
    expect(problems).toEqual([
      expect.stringMatching(/^brands\[0\]\.query: field "sentiment:" cannot be used in a brand query \(at column 10\): the sentiment is scored after brands are matched/),
      expect.stringMatching(/^brands\[1\]\.exclude: field "brand:" cannot be used in a brand query \(at column 1\): the brands of a mention are what brand matching decides/),
    ]);
    expect(problems[0]).toContain('a brand query may name lang:, source:');
    expect(() => parseConfig(yaml, 'ecoute.yaml')).toThrow(/ecoute\.yaml has 2 problems/);
  });
});
