// The rooms of issue 10's query and HTTP parts keep their walls (shared/DESIGN.md, "Who may import
// whom"): the query language imports only core and nlp, whoever uses it; the HTTP host imports only
// core; no connector imports the API (a source mounts on the host, not on a face). The imports are
// read with TypeScript's own pre-processor, so comments and strings never count as imports.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function filesUnder(folder: string): string[] {
  return readdirSync(join(SRC, folder), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** The src/ folder each relative import of `file` lands in (`core`, `nlp`, ...), with the import. */
function roomsImported(file: string): { room: string; specifier: string }[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ room: relative(SRC, resolve(dirname(file), specifier)).split(/[\\/]/)[0] ?? '', specifier }));
}

function forbidden(folder: string, allowed: readonly string[]): string[] {
  return filesUnder(folder).flatMap((file) =>
    roomsImported(file)
      .filter(({ room }) => !allowed.includes(room))
      .map(({ specifier }) => `${relative(SRC, file)} imports ${specifier}`),
  );
}

describe('rooms: who may import whom', () => {
  it('src/query imports only core and nlp', () => {
    expect(filesUnder('query').map((f) => relative(SRC, f))).toEqual(expect.arrayContaining(['query/parse.ts', 'query/match.ts', join('query', 'compile', 'sqlite.ts'), join('query', 'compile', 'elasticsearch.ts')]));
    expect(forbidden('query', ['query', 'core', 'nlp'])).toEqual([]);
  });

  it('src/http imports only core', () => {
    expect(filesUnder('http').map((f) => relative(SRC, f))).toEqual(expect.arrayContaining(['http/server.ts', 'http/errors.ts']));
    expect(forbidden('http', ['http', 'core'])).toEqual([]);
  });

  it('no connector imports the API', () => {
    const intoApi = filesUnder('connectors').flatMap((file) =>
      roomsImported(file)
        .filter(({ room }) => room === 'api')
        .map(({ specifier }) => `${relative(SRC, file)} imports ${specifier}`),
    );
    expect(intoApi).toEqual([]);
  });
});
