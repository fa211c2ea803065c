// --reset-<file> on the long-running commands (run, ingest, worker): starts one data file empty on
// purpose, after the start-up check refused it (damaged, missing or emptied). One flag per file, so
// a typo cannot reset the wrong one, and nothing is reset without being named.
import type { Command } from 'commander';
import { DATA_FILES } from '../core/data-files.js';

export function addResetOptions(command: Command): Command {
  for (const kind of DATA_FILES) {
    command.option(`--reset-${kind.name}`, `set data_dir/${kind.file} aside and start it empty (${kind.holds}; ${kind.resetCost})`);
  }
  return command;
}

/** The data files named by --reset-* flags, by their kind name. */
export function resetsOf(options: Record<string, unknown>): string[] {
  return DATA_FILES.filter((k) => options[camel(`reset-${k.name}`)] === true).map((k) => k.name);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
