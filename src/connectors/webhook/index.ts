// The webhook connector: other tools (CRM, support desk, survey, newsletter) push mentions to
// POST /ingest/<source> on écoute's HTTP server. A request is taken only if it is signed with the
// source's secret (signature.ts), fresh, and not seen before (replay.ts); its mentions are then
// validated one by one, and the answer 202 is sent only once the valid ones are durable on the bus
// (and the invalid ones on the dead-letter topic). So a 202 is a promise: nothing is lost after it.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../../http/errors.js';
import type { Secret } from '../../core/config/secret.js';
import { withinDeadline } from '../../core/deadline.js';
import { EcouteError, errorMessage } from '../../core/errors.js';
import { isDiskError } from '../../core/sqlite.js';
import type { Logger } from '../../core/log.js';
import { MentionPublisher } from '../publish.js';
import type { ConnectorContext, ConnectorDefinition, ConnectorStatus, RunningConnector } from '../types.js';
import { parseItems, validateItems } from './body.js';
import { WebhookConnectorSchema, type WebhookConnectorConfig } from './config.js';
import { ReplayGuard } from './replay.js';
import { mountWebhook, type WebhookEndpoint } from './route.js';
import { readWebhookSecret } from './secret.js';
import { verifySignature } from './signature.js';

export { computeSignature, signRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';

/** The file (under the data dir) where every webhook source remembers the signatures it accepted. */
export const REPLAY_FILE = 'webhook-signatures.sqlite';

export const webhookConnector: ConnectorDefinition<WebhookConnectorConfig> = {
  type: 'webhook',
  kind: 'push',
  config: WebhookConnectorSchema,
  defaultName: (config) => `webhook:${config.source}`,
  // What raw keeps: the extra columns the config lists (none by default: a line's other columns are
  // the user's, and may hold personal data).
  rawKeys: (config) => config.raw_keys,
  description: 'Mentions pushed by other tools to POST /ingest/<source>, signed with HMAC-SHA256.',
  create(config, context) {
    return new WebhookConnector(config, context);
  },
};

/** Reasons listed in an answer: the rest are counted (rejected_count) and on the dead-letter topic. */
export const MAX_LISTED_REJECTIONS = 20;

export interface WebhookAnswer {
  accepted: number;
  /** How many items were rejected, all of them (`rejected` lists only the first ones). */
  rejected_count: number;
  /** The first MAX_LISTED_REJECTIONS rejections, in item order. */
  rejected: { index: number; code: string; reason: string }[];
  request_id: string;
}

/** The answer's body: counts exact, the per-item detail bounded whatever the request held. */
function answer(accepted: number, rejections: readonly { index: number; code: string; reason: string }[], requestId: string): WebhookAnswer {
  return {
    accepted,
    rejected_count: rejections.length,
    rejected: rejections.slice(0, MAX_LISTED_REJECTIONS).map(({ index, code, reason }) => ({ index, code, reason })),
    request_id: requestId,
  };
}

class WebhookConnector implements RunningConnector, WebhookEndpoint {
  readonly name: string;
  readonly source: string;
  readonly maxBodyBytes: number;
  /** Nothing waits at start: pushed mentions arrive when the senders send them. */
  readonly caughtUp = Promise.resolve();
  private readonly secret: Secret;
  private readonly replay: ReplayGuard;
  private readonly unmount: () => void;
  private readonly state: ConnectorStatus;
  private readonly log: Logger;
  private readonly pending = new Set<Promise<unknown>>();
  private admitted = 0;
  private stopping = false;
  private readonly quietLog = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly config: WebhookConnectorConfig,
    private readonly context: ConnectorContext,
  ) {
    this.source = config.source;
    this.name = webhookConnector.defaultName(config);
    this.maxBodyBytes = config.max_body_bytes;
    this.log = context.log;
    this.state = { name: this.name, type: 'webhook', fetched: 0, rejected: 0 };
    // Listed by `ecoute connectors status` from the start, as a pull source is after its first poll.
    context.statusStore?.save(this.status());
    if (!context.httpServer) {
      throw new EcouteError('CONFIG_INVALID', `webhook "${config.source}": needs écoute's HTTP server (started by ecoute run when a webhook is configured)`);
    }
    // Read once, at start: a missing or short secret stops `ecoute run` with a message naming where
    // it was looked for. The value is held here only (printing it gives "[secret]"), never logged.
    this.secret = readWebhookSecret(config);
    this.replay = new ReplayGuard({ file: context.dataDir ? join(context.dataDir, REPLAY_FILE) : ':memory:', source: config.source });
    try {
      this.unmount = mountWebhook(context.httpServer, this, this.log);
    } catch (error) {
      this.replay.close();
      throw error;
    }
  }

  status(): ConnectorStatus {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Requests already in the handler finish (their answer depends on the bus write); new ones get 503.
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.unmount();
    this.replay.close();
  }

  // ---- WebhookEndpoint ----

  admit(): () => void {
    if (this.stopping) throw busy('écoute is shutting down; retry in a few seconds', 5);
    if (this.admitted >= this.config.max_in_flight) {
      throw busy(`source "${this.source}" is handling ${this.config.max_in_flight} requests (its max_in_flight); retry shortly`, 1);
    }
    // Issue 15 (threads15): the pipeline is too far behind; the sender keeps the mentions meanwhile.
    const backpressure = this.context.backpressure;
    if (backpressure?.over()) {
      throw new HttpError(
        503,
        'WEBHOOK_BACKLOG',
        `écoute has ${backpressure.current()} mentions waiting to be analyzed and indexed, more than backpressure.max_lag_records (${backpressure.config.max_lag_records}); retry after ${backpressure.config.retry_after_seconds} s`,
        { headers: { 'retry-after': String(backpressure.config.retry_after_seconds) } },
      );
    }
    this.admitted += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.admitted -= 1;
    };
  }

  handle(request: FastifyRequest, raw: Buffer): Promise<{ statusCode: number; body: Record<string, unknown> }> {
    const work = this.accept(request, raw);
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  refused(error: HttpError, request: FastifyRequest): void {
    if (error.statusCode >= 500) {
      this.state.lastError = { at: new Date().toISOString(), message: error.reason };
      this.context.statusStore?.save(this.status());
    }
    // Senders misconfigured (or strangers probing) can repeat the same mistake many times a second:
    // one line per kind of refusal every 10 s, with how many were not logged.
    const now = Date.now();
    const seen = this.quietLog.get(error.code);
    if (seen && now - seen.at < 10_000) {
      seen.suppressed += 1;
      return;
    }
    this.quietLog.set(error.code, { at: now, suppressed: 0 });
    const fields: Record<string, unknown> = { status: error.statusCode, code: error.code, ip: request.ip };
    if (seen && seen.suppressed > 0) fields.similar_not_logged = seen.suppressed;
    this.log.warn(`${this.name}: refused a request: ${error.reason}`, fields);
  }

  // ---- the request ----

  private async accept(request: FastifyRequest, raw: Buffer): Promise<{ statusCode: number; body: Record<string, unknown> }> {
    if (this.stopping) throw busy('écoute is shutting down; retry in a few seconds', 5);
    // Authenticate before parsing anything: an unsigned body is never even decoded.
    const verified = verifySignature(request.headers, raw, this.secret.reveal(), this.config.tolerance_ms);
    const claim = this.replay.claim(verified.signature);
    if (!claim.ok) {
      if (claim.why === 'full') {
        throw busy(`source "${this.source}" remembers too many recent signatures to check replays; retry later`, Math.ceil(claim.retryAfterMs / 1000));
      }
      throw new HttpError(
        401,
        'WEBHOOK_REPLAY',
        claim.why === 'replay'
          ? 'this signed request was already received: each request needs a new X-Ecoute-Timestamp and signature'
          : 'an identical signed request is being handled: each request needs a new X-Ecoute-Timestamp and signature',
      );
    }
    let final = false;
    try {
      const answer = await this.ingest(raw);
      final = true;
      return answer;
    } catch (error) {
      // A body that will never be valid is a final answer too; only a failed write may be retried as is.
      if (error instanceof HttpError && error.statusCode < 500) final = true;
      throw error;
    } finally {
      if (final) this.replay.commit(verified.signature, verified.expiresAt);
      else this.replay.release(verified.signature);
    }
  }

  private async ingest(raw: Buffer): Promise<{ statusCode: number; body: Record<string, unknown> }> {
    const requestId = randomUUID();
    const items = parseItems(raw);
    if (items.length === 0) {
      throw new HttpError(400, 'WEBHOOK_NO_VALID_MENTION', 'the body holds no mention (an empty array)', { body: { ...answer(0, [], requestId) } });
    }
    if (items.length > this.config.max_items) {
      // Refused whole, before any item is looked at: a sender must not be able to make one request
      // cost thousands of dead letters.
      throw new HttpError(
        413,
        'WEBHOOK_TOO_MANY_ITEMS',
        `the body holds ${items.length} mentions, more than ${this.config.max_items}, the max_items of source "${this.source}": send them in several requests; nothing of this one was written`,
        { body: { ...answer(0, [], requestId), items: items.length, max_items: this.config.max_items } },
      );
    }
    const { mentions, rejections } = validateItems(items, this.source, new Date().toISOString(), this.config.lang, this.config.raw_keys);
    if (mentions.length === 0) {
      // Nothing is written: the sender is told at once and must fix the request; dead letters are
      // for what a sender may not notice (the invalid items of a request otherwise accepted).
      this.state.rejected += rejections.length;
      throw new HttpError(400, 'WEBHOOK_NO_VALID_MENTION', `no valid mention in the body (${rejections.length} rejected)`, {
        body: { ...answer(0, rejections, requestId) },
      });
    }
    const publisher = new MentionPublisher({
      bus: this.context.bus,
      rawKeys: this.config.raw_keys,
      ingestId: requestId,
      batchSize: Number.MAX_SAFE_INTEGER,
    });
    const write = async () => {
      for (const r of rejections) {
        await publisher.reject({ file: `webhook:${this.source}#${requestId}`, line: r.index, code: r.code, reason: r.reason, input: r.input, ...(r.truncated && { truncated: true }) });
      }
      for (const m of mentions) await publisher.addChecked(m.mention);
      await publisher.flush();
    };
    try {
      // A paused or unreachable broker can hold a write for as long as the client's own timeouts
      // (minutes); the sender is told 503 long before its HTTP client gives up. The write goes on in
      // the background and may land: the ids the sender retries with make that safe.
      const ms = this.config.bus_timeout_ms;
      await withinDeadline(write(), ms, () => new EcouteError('BUS_UNAVAILABLE', `the bus did not take the mentions within ${ms} ms`));
    } catch (error) {
      // The bus refused or failed the write: nothing is promised, the sender retries the same request.
      // A full disk is logged once for all of écoute (core/disk-space.ts), not once per request.
      if (!isDiskError(error)) this.log.error(`${this.name}: the bus write failed: ${errorMessage(error)}`);
      throw new HttpError(503, 'BUS_UNAVAILABLE', 'the mentions could not be written to the bus; retry the same request later', { headers: { 'retry-after': '5' } });
    }
    this.state.fetched += mentions.length;
    this.state.rejected += rejections.length;
    this.state.lastSuccessAt = new Date().toISOString();
    this.context.statusStore?.addFetched(this.name, mentions.length);
    this.context.statusStore?.save(this.status());
    return { statusCode: 202, body: { ...answer(mentions.length, rejections, requestId) } };
  }
}

function busy(reason: string, retryAfterSeconds: number): HttpError {
  return new HttpError(503, 'WEBHOOK_BUSY', reason, { headers: { 'retry-after': String(Math.max(1, retryAfterSeconds)) } });
}
