// What every command shares: how it reads the config, how failures map to exit codes (exit.ts,
// re-exported here; kept apart so that `ecoute --version` and `--help` load no config schema).
import { configPath, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

export { EXIT, UsageError, SilentExit, exitCodeOf, describeError } from './exit.js';

export function readConfig(flag?: string): { path: string; config: Readonly<Config> } {
  const path = configPath(flag);
  return { path, config: loadConfig(path) };
}

