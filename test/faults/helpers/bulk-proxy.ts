// A pass-through HTTP proxy in front of a real Elasticsearch that records, for every _bulk request,
// which ids were sent and what status Elasticsearch gave each of them. It changes nothing: it is how
// a test sees that only the failed items of a bulk are sent again.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BulkExchange {
  /** The HTTP status of the whole request (200 with per-item errors, or 5xx, or 0: unreachable). */
  status: number;
  items: { id: string; status: number; type?: string }[];
}

export interface BulkProxy {
  url: string;
  bulks: BulkExchange[];
  close(): Promise<void>;
}

export async function bulkProxy(target: string): Promise<BulkProxy> {
  const bulks: BulkExchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const isBulk = /\/_bulk(\?|$)/.test(req.url ?? '');
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
        let upstream: Response;
        try {
          upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, ...(body.length > 0 && { body }) });
        } catch {
          if (isBulk) bulks.push({ status: 0, items: [] });
          res.destroy();
          return;
        }
        const answer = Buffer.from(await upstream.arrayBuffer());
        if (isBulk) {
          const sent = body
            .toString('utf8')
            .split('\n')
            .filter(Boolean)
            .flatMap((line) => {
              const action = JSON.parse(line) as { index?: { _id: string }; delete?: { _id: string } };
              return action.index ? [action.index._id] : [];
            });
          const exchange: BulkExchange = { status: upstream.status, items: [] };
          if (upstream.status === 200) {
            const parsed = JSON.parse(answer.toString('utf8')) as { items: Record<string, { _id: string; status: number; error?: { type: string } }>[] };
            for (const entry of parsed.items) {
              if (!entry.index) continue;
              exchange.items.push({ id: entry.index._id, status: entry.index.status, ...(entry.index.error && { type: entry.index.error.type }) });
            }
          } else for (const id of sent) exchange.items.push({ id, status: upstream.status });
          bulks.push(exchange);
        }
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) out[k] = v;
        });
        res.writeHead(upstream.status, out);
        res.end(answer);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bulks,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
