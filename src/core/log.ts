// Logs go to stderr (stdout is for command output such as `ecoute analyze` JSON), through pino:
// one JSON object per line ({"level":"info","time":…,"stage":…,"mention_id":…,"msg":…}) when stderr
// is not a terminal (a file, a pipe, journald, a log shipper), or when ECOUTE_LOG=json; readable
// lines (pino-pretty) on a terminal, or with ECOUTE_LOG=pretty. ECOUTE_LOG_LEVEL=debug|info|warn|error
// sets the threshold (default info). Every line is scrubbed of every secret écoute read
// (src/core/scrub.ts), whoever wrote the message, after it is serialized: nothing escapes it.
import { pino, stdTimeFunctions, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { secretScrubber } from './scrub.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** json (one object a line) or pretty (for a person at a terminal), from ECOUTE_LOG and the stream. */
export function logFormat(stream: NodeJS.WritableStream = process.stderr, env: NodeJS.ProcessEnv = process.env): 'json' | 'pretty' {
  if (env.ECOUTE_LOG === 'json') return 'json';
  if (env.ECOUTE_LOG === 'pretty') return 'pretty';
  return (stream as { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
}

function levelOf(env: NodeJS.ProcessEnv = process.env): Level {
  const wanted = env.ECOUTE_LOG_LEVEL as Level | undefined;
  return wanted !== undefined && LEVELS.includes(wanted) ? wanted : 'info';
}

/** The destination pino writes to: the stream itself, or pino-pretty in front of it on a terminal. */
function destination(stream: NodeJS.WritableStream): DestinationStream {
  if (logFormat(stream) === 'json') return stream as unknown as DestinationStream;
  return pretty({
    destination: stream,
    sync: true,
    colorize: (stream as { isTTY?: boolean }).isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
  });
}

function wrap(log: pino.Logger): Logger {
  const write = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (fields === undefined) log[level](message);
    else log[level](fields, message);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => wrap(log.child(fields)),
  };
}

export function createLogger(base: Record<string, unknown> = {}, stream: NodeJS.WritableStream = process.stderr): Logger {
  const log = pino(
    {
      level: levelOf(),
      // "level":"info" rather than pino's numbers: what a person grepping the file and most log
      // shippers expect; ISO time for the same reason.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: stdTimeFunctions.isoTime,
      // Every secret écoute read is scrubbed from every line, whoever wrote the message.
      hooks: { streamWrite: (line) => secretScrubber.scrub(line) },
    },
    destination(stream),
  );
  return wrap(Object.keys(base).length > 0 ? log.child(base) : log);
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
