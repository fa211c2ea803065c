// Where a process's CPU went, from a V8 .cpuprofile (`node --cpu-prof`, as `PROFILE=dir npm run
// bench:e2e` takes it): self time grouped by part of écoute (NLP, SQLite, fingerprints, bus,
// serialization, HTTP, Elasticsearch client, GC, other), the top self-time functions, and the
// long tasks: stretches of at least LONG_MS (50) of CPU without an idle sample, during which the
// thread could answer nothing (a webhook request waits for the end of one), with their parts.
// Prints one JSON line.
//   node dist/bench/profile-split.js <file.cpuprofile> [top=15]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part a frame belongs to, from its script (native frames: see `partOf`). */
function partOfUrl(url: string): string | undefined {
  if (url === '') return undefined;
  if (/\/nlp\/|wink-|\/streams\/analyze|\/streams\/brands|franc|lexicon|tokeniz/.test(url)) return 'NLP';
  if (/near-duplicates/.test(url)) return 'fingerprints';
  if (/better-sqlite3|\/store\/embedded\//.test(url)) return 'SQLite (store)';
  if (/\/streams\/bus\/embedded/.test(url)) return 'SQLite (bus)';
  if (/\/streams\/bus\/|kafkajs|@platformatic\/kafka|lz4|zstd/.test(url)) return 'bus (Kafka client)';
  if (/@elastic\/|undici|\/store\/elasticsearch\//.test(url)) return 'Elasticsearch client';
  if (/fastify|find-my-way|avvio|light-my-request|\/connectors\/webhook|node:_http|node:http|node:net|_stream_|node:internal\/streams/.test(url)) return 'HTTP';
  if (/\/connectors\/file|lossless-json|zod/.test(url)) return 'file connector (parse, validate)';
  if (/pino|sonic-boom/.test(url)) return 'logging';
  if (/\/alerts\//.test(url)) return 'alerts stage';
  if (/\/privacy\//.test(url)) return 'privacy (suppression list)';
  if (/node:internal\/modules|node:internal\/vm/.test(url)) return 'module loading (start)';
  if (/\/streams\//.test(url)) return 'stages';
  if (/piscina|worker_threads|node:internal\/worker/.test(url)) return 'threads (messages)';
  return 'other';
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-split <file.cpuprofile> [top]');
  const top = Number(topArg ?? 15);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  // A native frame (JSON.parse, a SQLite statement's run, a regexp) counts for the part that
  // called it, except JSON's own functions, which are serialization wherever they are called from.
  const partOf = (id: number): string => {
    const n = byId.get(id)!;
    const { functionName, url } = n.callFrame;
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program (V8, native)';
    if (url === '' && /^(stringify|parse|JSONStringify|JSONParse)$/.test(functionName)) return 'serialization (JSON)';
    // better-sqlite3's own frames count for the écoute code that called them: the fingerprints, the
    // store or the bus (each has its SQLite file).
    let sqlite = false;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (/better-sqlite3/.test(url)) {
        sqlite = true;
        continue;
      }
      const p = partOfUrl(url);
      if (p) return sqlite && !/SQLite|fingerprints/.test(p) ? 'SQLite (store)' : p;
    }
    return sqlite ? 'SQLite (store)' : 'other';
  };
  let totalUs = 0;
  const parts = new Map<string, number>();
  const fns = new Map<string, { us: number; part: string }>();
  for (const [id, us] of selfUs) {
    totalUs += us;
    const part = partOf(id);
    parts.set(part, (parts.get(part) ?? 0) + us);
    const f = byId.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${f.lineNumber + 1}`;
    const entry = fns.get(name) ?? { us: 0, part };
    entry.us += us;
    fns.set(name, entry);
  }
  const busyUs = totalUs - (parts.get('idle') ?? 0);
  // Long tasks, in sample order: a run of non-idle samples (the profile's order is the time's).
  const longMs = Number(process.env.LONG_MS ?? 50);
  const partBySample = new Map<number, string>();
  const tasks: { us: number; parts: Map<string, number> }[] = [];
  let current: { us: number; parts: Map<string, number> } | undefined;
  profile.samples.forEach((id, i) => {
    let part = partBySample.get(id);
    if (part === undefined) partBySample.set(id, (part = partOf(id)));
    const us = profile.timeDeltas[i] ?? 0;
    if (part === 'idle') {
      if (current && current.us >= longMs * 1000) tasks.push(current);
      current = undefined;
      return;
    }
    current ??= { us: 0, parts: new Map() };
    current.us += us;
    current.parts.set(part, (current.parts.get(part) ?? 0) + us);
  });
  if (current && current.us >= longMs * 1000) tasks.push(current);
  const longUs = tasks.reduce((sum, t) => sum + t.us, 0);
  const longParts = new Map<string, number>();
  for (const t of tasks) for (const [part, us] of t.parts) longParts.set(part, (longParts.get(part) ?? 0) + us);
  const longest = tasks.map((t) => t.us).sort((a, b) => b - a);
  const share = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  process.stdout.write(
    `${JSON.stringify({
      profile: file,
      seconds: Math.round(totalUs / 1e5) / 10,
      busy_seconds: Math.round(busyUs / 1e5) / 10,
      parts_pct_of_busy: Object.fromEntries([...parts].filter(([p]) => p !== 'idle').sort((a, b) => b[1] - a[1]).map(([p, us]) => [p, share(us)])),
      long_tasks: {
        at_least_ms: longMs,
        count: tasks.length,
        seconds: Math.round(longUs / 1e5) / 10,
        longest_ms: longest.slice(0, 5).map((us) => Math.round(us / 1000)),
        parts_pct: Object.fromEntries([...longParts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([p, us]) => [p, Math.round((us / Math.max(1, longUs)) * 1000) / 10])),
      },
      top_self: [...fns].filter(([n]) => !n.startsWith('(idle)')).sort((a, b) => b[1].us - a[1].us).slice(0, top).map(([n, e]) => ({ fn: n, part: e.part, pct: share(e.us) })),
    })}\n`,
  );
}
main();
