// What every HTTP pull connector shares: the poll loop, the status it shows, requests through the
// one scheduler and HTTP client, and the rule that a cursor moves only once the bus confirmed the
// mentions read up to it (so a crash re-reads at most one page, and the mention id, source +
// source id, makes the re-read harmless).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Secret } from '../core/config/secret.js';
import { scrubSecrets } from '../core/config/secret.js';
import { errorMessage, isEcouteError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { scrubbingLogger, secretScrubber } from '../core/scrub.js';
import type { RawMention } from '../core/types.js';
import { describeUrl, HttpClient, parseJson, rateLimitWait, type HttpRequest, type HttpResponse } from './http/index.js';
import { MentionPublisher } from './publish.js';
import { defaultScheduler, RateLimitedError, type RateLimit, type Scheduler } from './scheduler.js';
import type { PullConnectorConfig } from './http/config.js';
import { countFetch, countRetry } from '../ops/metrics.js'; // Operations (issue 14, ops14)
import { nameOf, type ConnectorContext, type ConnectorDefinition, type ConnectorStatus, type RunningConnector } from './types.js';

/**
 * One item read from a source: a mention, or why it could not become one (it goes to the
 * dead-letter topic). `undated`: the source gave no readable date, publishedAt is when écoute first
 * saw it (counted in the status).
 */
export type Item = { ok: true; mention: RawMention; undated?: boolean } | { ok: false; code?: ErrorCode; reason: string; input: string };

export interface PollResult {
  /** The poll read the source up to its newest item (not stopped by max_pages). */
  caughtUp: boolean;
}

/** Cap on how long repeated failures push the next poll back. */
const MAX_FAILURE_BACKOFF_MS = 3600_000;

export abstract class PollingConnector<C extends PullConnectorConfig> implements RunningConnector {
  readonly name: string;
  readonly caughtUp: Promise<void>;
  protected readonly http: HttpClient;
  protected readonly scheduler: Scheduler;
  /** Credentials this connector read: scrubbed from every message it logs or stores. */
  protected secrets: (Secret | undefined)[] = [];
  protected readonly stopping = new AbortController();
  protected readonly state: ConnectorStatus;
  /** The context's logger, every line scrubbed of secrets. */
  protected readonly log: Logger;
  private readonly loop: Promise<void>;
  private markCaughtUp!: () => void;
  private failures = 0;
  /** Until when a request of this connector sleeps before a retry. */
  private retryingUntil = 0;
  /** Until when the next poll is pushed back after failures. */
  private backoffUntil = 0;

  constructor(
    protected readonly config: C,
    protected readonly context: ConnectorContext,
  ) {
    this.name = nameOf(this.definition(), config);
    this.state = { name: this.name, type: config.type, fetched: 0, rejected: 0, undated: 0 };
    this.log = scrubbingLogger(context.log);
    this.scheduler = context.scheduler ?? defaultScheduler;
    this.http = new HttpClient({ allowPrivateNetworks: config.allow_private_networks, timeoutMs: config.timeout_ms, ...this.httpOptions() });
    for (const host of this.hosts()) this.scheduler.register(host, config.rate_limit as RateLimit);
    this.caughtUp = new Promise((r) => (this.markCaughtUp = r));
    // Started on the next tick, so subclass constructors finish first.
    this.loop = Promise.resolve().then(() => this.run());
  }

  /** The definition this connector runs (its name; called from this constructor, so a method). */
  protected abstract definition(): ConnectorDefinition<C>;

  /** Hosts this connector sends requests to (their rate limits are registered at start). */
  protected abstract hosts(): string[];

  /** One poll: reads what is new, publishes it, advances the cursor once durable. */
  protected abstract poll(signal: AbortSignal): Promise<PollResult>;

  protected httpOptions(): { userAgent?: string } {
    return {};
  }

  status(): ConnectorStatus {
    const paused = this.hosts().map((h) => this.scheduler.pausedUntil(h) ?? 0);
    const backingOff = Math.max(this.retryingUntil, this.backoffUntil, ...paused);
    return { ...this.state, ...(backingOff > Date.now() && { backingOffUntil: new Date(backingOff).toISOString() }) };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.saveStatus();
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      let delay = this.config.interval_ms;
      try {
        const result = await this.poll(signal);
        const now = new Date().toISOString();
        this.state.lastSuccessAt = now;
        if (result.caughtUp) this.state.caughtUpAt = now;
        this.failures = 0;
        this.backoffUntil = 0;
        countFetch(this.name, 'ok');
      } catch (error) {
        if (signal.aborted) break;
        this.failures++;
        countFetch(this.name, 'error', isEcouteError(error) ? error.code : undefined);
        const message = this.scrub(errorMessage(error));
        if (this.state.lastError?.message !== message) this.log.warn(`${this.name}: ${message}`);
        this.state.lastError = { at: new Date().toISOString(), message };
        // Repeated failures push the next poll back (doubling, capped); a host that asked for a
        // longer wait (Retry-After, rate-limit reset) gets at least that.
        delay = this.failures > 1 ? Math.min(this.config.interval_ms * 2 ** (this.failures - 1), Math.max(MAX_FAILURE_BACKOFF_MS, this.config.interval_ms)) : delay;
        const askedUntil = error instanceof RateLimitedError ? error.until : 0;
        if (askedUntil > 0) delay = Math.max(delay, askedUntil - Date.now());
        // A host that asked to wait is reported as backing off until then, even when the wait ends
        // within one polling interval (a quota that resets in 20 minutes).
        this.backoffUntil = delay > this.config.interval_ms ? Date.now() + delay : askedUntil > Date.now() ? askedUntil : 0;
      } finally {
        this.retryingUntil = 0;
      }
      this.saveStatus();
      // Even a failing source counts as caught up: there is nothing more to wait for at start.
      this.markCaughtUp();
      await sleep(delay, undefined, { signal }).catch(() => undefined);
    }
  }

  protected scrub(message: string): string {
    return scrubSecrets(message, this.secrets);
  }

  private saveStatus(): void {
    try {
      this.context.statusStore?.save(secretScrubber.scrubValue(this.status()));
    } catch (error) {
      this.log.warn(`${this.name}: could not save status: ${errorMessage(error)}`);
    }
  }

  /**
   * A body that did not decode cleanly in the charset it declared, whose charset had to be guessed,
   * or that held bytes no charset could read, is shown in the status and logged once, with the count
   * of what was lost.
   */
  private noteDecoding(response: HttpResponse): void {
    const { charset, from, replaced, rejected } = response.decoding;
    // Also a guess (no charset declared, bytes not UTF-8): worth showing, the guess may be wrong.
    const guessed = from === 'detected' && charset !== 'utf-8';
    if (replaced === 0 && rejected.length === 0 && !guessed) return;
    const url = describeUrl(response.url);
    const previous = this.state.decoding;
    this.state.decoding = { at: new Date().toISOString(), url, charset, from, replaced, rejected };
    if (previous && previous.url === url && previous.charset === charset && previous.replaced === replaced && previous.rejected.join() === rejected.join()) return;
    const declared = rejected.length > 0 ? `declared ${rejected.join(' and ')} does not fit its bytes; ` : guessed ? 'no charset declared and the bytes are not UTF-8; ' : '';
    const lost = replaced > 0 ? `; ${replaced} byte sequence${replaced === 1 ? '' : 's'} could not be decoded (replaced by U+FFFD)` : '';
    this.log.warn(`${this.name}: ${url}: ${declared}read as ${charset}${lost}`);
  }

  /** A request through the scheduler (host queue, retries), with this connector's back-off shown in its status. */
  protected async send(url: string | URL, init: HttpRequest = {}): Promise<HttpResponse> {
    const target = new URL(url);
    const response = await this.scheduler.run(target.host, (signal) => this.http.request(target, { ...init, ...(signal && { signal }) }), {
      signal: this.stopping.signal,
      onRetry: ({ waitMs, error }) => {
        this.retryingUntil = Date.now() + waitMs;
        countRetry(this.name);
        this.log.debug(`${this.name}: ${this.scrub(errorMessage(error))}; retrying in ${waitMs} ms`);
        this.saveStatus();
      },
    });
    this.noteDecoding(response);
    return response;
  }

  /** A response that says the host's budget is spent (X-RateLimit-Remaining: 0) pauses the host until its reset. */
  protected honourRateLimit(response: HttpResponse): void {
    const wait = rateLimitWait(response.headers);
    if (wait !== undefined && wait > 0) this.scheduler.pauseHost(new URL(response.url).host, Date.now() + wait);
  }

  protected async getJson<T>(url: string | URL, init: HttpRequest = {}): Promise<{ response: HttpResponse; data: T }> {
    const response = await this.send(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
    this.honourRateLimit(response);
    return { response, data: parseJson<T>(response) };
  }

  /** The cursor as last saved (after a durable publish). */
  protected loadCursor<T>(): T | undefined {
    return this.context.cursors.get<T>(this.name);
  }

  /**
   * Publishes `items` and, once the bus confirmed them, saves `cursor`. With nothing to publish the
   * cursor is saved at once (nothing is in flight that it could run ahead of).
   */
  protected async commit(items: readonly Item[], cursor: unknown): Promise<void> {
    if (items.length === 0) {
      this.context.cursors.set(this.name, cursor);
      return;
    }
    // The ids of the mentions published without a date of their own (by id: the publisher's output
    // check may hand back a copy of the mention).
    // By source and id at the source: the mention id is computed once, by the publisher.
    const undated = new Set<string>();
    const sourceKey = (m: RawMention) => `${m.source}\u0000${m.sourceId}`;
    let undatedDurable = 0;
    const publisher = new MentionPublisher({
      bus: this.context.bus,
      rawKeys: this.context.rawKeys,
      onDurable: ({ mentions, rejections, position }) => {
        this.state.fetched += mentions.length;
        this.state.rejected += rejections.length;
        const withoutDate = mentions.filter(({ mention }) => undated.has(sourceKey(mention))).length;
        this.state.undated = (this.state.undated ?? 0) + withoutDate;
        undatedDurable += withoutDate;
        for (const { mention } of mentions) {
          if (!this.state.newestMentionAt || mention.publishedAt > this.state.newestMentionAt) this.state.newestMentionAt = mention.publishedAt;
        }
        try {
          this.context.statusStore?.addFetched(this.name, mentions.length);
        } catch {
          // counts are informative; the cursor below is what matters
        }
        if (position !== undefined) this.context.cursors.set(this.name, (position as { cursor: unknown }).cursor);
      },
    });
    const last = items.length - 1;
    for (const [i, item] of items.entries()) {
      // The cursor rides on the last item only: a batch flushed before it is durable must not move it.
      const position = i === last ? { cursor } : undefined;
      // Nothing a source sent reaches a topic with a secret in it (a server may echo a token back).
      if (item.ok) {
        const mention = secretScrubber.scrubValue(this.config.lang && item.mention.lang === undefined ? { ...item.mention, lang: this.config.lang } : item.mention);
        if (item.undated) undated.add(sourceKey(mention));
        await publisher.add(mention, position, { file: this.name });
      } else {
        await publisher.reject({ file: this.name, code: item.code ?? 'MENTION_INVALID', reason: `${this.name}: ${this.scrub(item.reason)}`, input: this.scrub(item.input) }, position);
      }
    }
    await publisher.flush();
    if (undatedDurable > 0) {
      this.log.info(`${this.name}: ${undatedDurable} mention${undatedDurable === 1 ? '' : 's'} without a readable date, dated by when écoute first saw ${undatedDurable === 1 ? 'it' : 'them'}`);
    }
  }
}

/**
 * A position in a source sorted newest first: a time (epoch ms) and the ids seen at exactly that
 * time (items sharing a timestamp are neither skipped nor read twice); `id` is the source's own
 * paging id where it has one (Mastodon since_id).
 */
export interface Mark {
  t: number;
  ids: string[];
  id?: string;
}

/**
 * Where a descending source was read up to. `since`: everything up to this mark is durable.
 * `pending`: a round under way (it started at `top`, the newest item then, and continues at
 * `next`, the source's token for the following page); it becomes `since` when it reaches `since`.
 */
export interface PagedCursor<Tok> {
  since?: Mark;
  pending?: { top: Mark; next: Tok };
}

export interface PageEntry {
  /** Id at the source (for ties at the `since` boundary). */
  id: string;
  /** Sort time (epoch ms); NaN when the item has none (a malformed item): it takes its neighbour's. */
  t: number;
  item: Item;
  /** The source's paging id of this item, if it has one. */
  pagingId?: string;
}

export interface Page<Tok> {
  /** Newest first, as the source sorts them. */
  entries: PageEntry[];
  /** Token of the next (older) page; undefined when there is none. */
  next?: Tok;
}

export interface PagedPollOptions<Tok> {
  cursor: PagedCursor<Tok> | undefined;
  fetchPage: (next: Tok | undefined, bounds: { since?: Mark; top?: Mark }) => Promise<Page<Tok>>;
  /** Publishes a page's items, then persists the cursor (a whole-connector cursor may hold several paged cursors). */
  commit: (items: Item[], cursor: PagedCursor<Tok>) => Promise<void>;
  maxPages: number;
  /**
   * Whether the source filters by `since` itself (Mastodon since_id). Otherwise entries at or
   * below `since` are dropped here, and reaching one ends the round.
   */
  serverFiltersSince?: boolean;
}

/** Reads a source sorted newest first, page by page, saving progress after each durable page. */
export async function pagedPoll<Tok>(options: PagedPollOptions<Tok>): Promise<PollResult> {
  const since = options.cursor?.since;
  let top = options.cursor?.pending?.top;
  let next = options.cursor?.pending?.next;
  for (let pages = 0; ; ) {
    const page = await options.fetchPage(next, { ...(since && { since }), ...(top && { top }) });
    pages++;
    const entries = inheritTimes(page.entries);
    const fresh = options.serverFiltersSince || !since ? entries : entries.filter((e) => e.t > since.t || (e.t === since.t && !since.ids.includes(e.id)));
    // Reaching an item older than the cursor, or the very item it stopped at, ends the round.
    const reachedSince = !options.serverFiltersSince && since !== undefined && entries.some((e) => e.t < since.t || (e.t === since.t && since.ids.includes(e.id)));
    if (!top) {
      if (entries.length === 0) return { caughtUp: true };
      top = markOf(entries);
    }
    const exhausted = page.next === undefined || entries.length === 0 || reachedSince || fresh.length === 0;
    const items = fresh.map((e) => e.item);
    if (exhausted) {
      await options.commit(items, { since: merge(since, top) });
      return { caughtUp: true };
    }
    if (pages >= options.maxPages) {
      // A first run reads max_pages back and stops there; later runs continue next poll.
      await options.commit(items, since ? { since, pending: { top, next: page.next as Tok } } : { since: top });
      return { caughtUp: !since };
    }
    next = page.next as Tok;
    await options.commit(items, { ...(since && { since }), pending: { top, next } });
  }
}

function inheritTimes(entries: PageEntry[]): PageEntry[] {
  let last = Number.NaN;
  const out = entries.map((e) => (Number.isFinite(e.t) ? ((last = e.t), e) : { ...e, t: last }));
  // Leading entries without a time take the first known one.
  const first = out.find((e) => Number.isFinite(e.t))?.t ?? Date.now();
  return out.map((e) => (Number.isFinite(e.t) ? e : { ...e, t: first }));
}

function markOf(entries: PageEntry[]): Mark {
  const t = Math.max(...entries.map((e) => e.t));
  const newest = entries.find((e) => e.pagingId !== undefined);
  return { t, ids: entries.filter((e) => e.t === t).map((e) => e.id), ...(newest?.pagingId !== undefined && { id: newest.pagingId }) };
}

function merge(since: Mark | undefined, top: Mark): Mark {
  if (!since || top.t > since.t) return { ...top, ...(top.id === undefined && since?.id !== undefined && { id: since.id }) };
  if (top.t < since.t) return since;
  return { t: since.t, ids: [...new Set([...since.ids, ...top.ids])], ...((top.id ?? since.id) !== undefined && { id: top.id ?? since.id }) };
}
