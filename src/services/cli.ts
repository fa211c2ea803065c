// Stand-alone entry so scripts and CI can drive the services before (and besides) the main CLI:
//   node dist/src/services/cli.js up|down|status [kafka|elasticsearch ...] [--fresh] [--json]
// Exit code: 0 when every selected service ends in the wanted state (running after up and status,
// not running after down), 1 otherwise, 2 on bad usage.
import { pathToFileURL } from 'node:url';
import { SERVICE_NAMES, ServicesError, type ServiceName, type ServiceStatus, formatStatus, servicesDown, servicesStatus, servicesUp } from './index.js';

const USAGE = 'usage: services up|down|status [kafka|elasticsearch ...] [--fresh] [--json]';

export async function servicesCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  const fresh = rest.includes('--fresh');
  const names = rest.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n)) ;
  if (!command || !['up', 'down', 'status'].includes(command) || unknown.length > 0 || rest.some((a) => a.startsWith('--') && a !== '--json' && a !== '--fresh')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const only = names.length > 0 ? (names as ServiceName[]) : undefined;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let statuses: ServiceStatus[];
  let code = 0;
  try {
    if (command === 'up') statuses = await servicesUp({ ...(only ? { only } : {}), log, fresh });
    else if (command === 'down') statuses = await servicesDown({ ...(only ? { only } : {}), log });
    else statuses = await servicesStatus(only ? { only } : {});
  } catch (err) {
    if (!(err instanceof ServicesError)) throw err;
    process.stderr.write(`${err.message}\n`);
    statuses = err.statuses;
    code = 1;
  }
  const wanted = command !== 'down';
  if (statuses.some((s) => s.running !== wanted && (wanted || s.startedByUs))) code = 1;
  process.stdout.write(json ? `${JSON.stringify(statuses, null, 2)}\n` : statuses.map((s) => `${formatStatus(s)}\n`).join(''));
  return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  servicesCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
