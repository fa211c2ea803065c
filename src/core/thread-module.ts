// Where a worker thread's module is: compiled beside its caller (dist/), or the TypeScript source
// when écoute runs from its sources (vitest), with the same TypeScript hooks the tests run with.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `name` without extension, resolved against the caller's `import.meta.url`. */
export function threadModule(callerUrl: string, name: string): { filename: URL; execArgv: string[] } {
  const compiled = new URL(`./${name}.js`, callerUrl);
  if (existsSync(fileURLToPath(compiled))) return { filename: compiled, execArgv: [] };
  const hooks = new URL('../../test/helpers/ts-register.mjs', import.meta.url);
  return { filename: new URL(`./${name}.ts`, callerUrl), execArgv: ['--import', fileURLToPath(hooks)] };
}
