// The boolean query language: parser → AST → matcher (in memory) | one compiler per store (compile/).
export { fieldsOf, QUERY_FIELDS, QuerySyntaxError, type QueryField, type QueryNode } from './ast.js';
export { parseQuery, simplify } from './parse.js';
export { compileMatcher, mentionMatchDoc, type MatchDoc, type MatchFields, type Matcher } from './match.js';
export { compileSqlite, DEFAULT_SQLITE_NAMES, ftsString, termExpression, type SqlFragment, type SqliteNames, type SqliteQuery } from './compile/sqlite.js';
export { compileElasticsearch, isScored, MATCH_ALL, type EsQuery } from './compile/elasticsearch.js';
export { indexedForms } from './forms.js';
