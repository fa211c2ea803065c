// Logs go to stderr (stdout is for command output such as `ecoute analyze` JSON). Set
// ECOUTE_LOG=json for one JSON object per line, ECOUTE_LOG_LEVEL=debug|info|warn|error.
import { secretScrubber } from './scrub.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(base: Record<string, unknown> = {}, stream: NodeJS.WritableStream = process.stderr): Logger {
  const threshold = ORDER[(process.env.ECOUTE_LOG_LEVEL as Level) ?? 'info'] ?? ORDER.info;
  const json = process.env.ECOUTE_LOG === 'json';
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const all = { ...base, ...fields };
    if (json) {
      // Every secret écoute read is scrubbed from every line, whoever wrote the message.
      stream.write(secretScrubber.scrub(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...all })}\n`));
      return;
    }
    const extra = Object.entries(all)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    stream.write(secretScrubber.scrub(`${level === 'info' ? '' : `${level}: `}${message}${extra ? `  ${extra}` : ''}\n`));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, stream),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
