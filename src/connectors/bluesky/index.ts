// The bluesky connector: posts matching a search (app.bsky.feed.searchPosts, sort=latest), read
// with an app-password session: com.atproto.server.createSession once, then
// com.atproto.server.refreshSession when the access token expires (proactively, from its exp
// claim, and whenever the server answers ExpiredToken), and a new session if the refresh token
// expired too. Tokens and the app password are Secrets: they never reach a log or a status.
import { EcouteError } from '../../core/errors.js';
import { requireSecret, Secret } from '../../core/config/secret.js';
import type { RawMention } from '../../core/types.js';
import { HttpError, MalformedResponseError, describeUrl, parseJson } from '../http/index.js';
import { pagedPoll, PollingConnector, type Item, type Page, type PagedCursor, type PageEntry, type PollResult } from '../poller.js';
import { inputOf, isoDate } from '../text.js';
import type { ConnectorDefinition } from '../types.js';
import { BlueskyConnectorSchema, type BlueskyConnectorConfig } from './config.js';

export { BlueskyConnectorSchema };
export type { BlueskyConnectorConfig };

/** The fields of app.bsky.feed.defs#postView this connector reads. */
export interface BlueskyPostView {
  uri?: string;
  cid?: string;
  author?: { did?: string; handle?: string; displayName?: string; followersCount?: number };
  record?: { $type?: string; text?: string; createdAt?: string; langs?: string[]; reply?: unknown };
  replyCount?: number;
  repostCount?: number;
  likeCount?: number;
  quoteCount?: number;
  indexedAt?: string;
}

/** When a post sorts in "latest" search: the earlier of createdAt and indexedAt (a backdated post is not news). */
function sortTime(post: BlueskyPostView): number {
  const times = [Date.parse(post.record?.createdAt ?? ''), Date.parse(post.indexedAt ?? '')].filter(Number.isFinite);
  return times.length > 0 ? Math.min(...times) : Number.NaN;
}

export function parseBlueskyPost(post: BlueskyPostView): Item {
  const uri = post.uri;
  const publishedAt = isoDate(post.record?.createdAt) ?? isoDate(post.indexedAt);
  if (!uri || !publishedAt) return { ok: false, reason: 'post without uri or date', input: inputOf(post) };
  const text = post.record?.text?.trim();
  if (!text) return { ok: false, reason: `post ${uri} has no text`, input: inputOf(post) };
  const handle = post.author?.handle ?? post.author?.did ?? 'unknown';
  const rkey = uri.split('/').pop();
  const lang = post.record?.langs?.[0]?.toLowerCase().split('-')[0];
  const mention: RawMention = {
    source: 'bluesky',
    sourceId: uri,
    url: `https://bsky.app/profile/${post.author?.handle ?? post.author?.did ?? ''}/post/${rkey}`,
    author: { id: post.author?.did ?? handle, name: post.author?.displayName?.trim() || handle, ...(typeof post.author?.followersCount === 'number' && { followers: post.author.followersCount }) },
    text,
    publishedAt,
    ...(lang && { lang }),
    metrics: {
      ...(typeof post.likeCount === 'number' && { likes: post.likeCount }),
      ...(typeof post.repostCount === 'number' && { shares: post.repostCount + (post.quoteCount ?? 0) }),
      ...(typeof post.replyCount === 'number' && { comments: post.replyCount }),
    },
    raw: { ...(post.record?.reply !== undefined && { reply: true }) },
  };
  return { ok: true, mention };
}

/** A searchPosts answer to entries (newest first) and its cursor. */
export function parseBlueskySearch(data: unknown, where: string): Page<string> {
  const body = data as { posts?: unknown; cursor?: unknown } | null;
  if (!body || !Array.isArray(body.posts)) throw new MalformedResponseError(where, 'no "posts" array');
  const entries: PageEntry[] = (body.posts as BlueskyPostView[]).map((p) => ({ id: String(p?.uri ?? ''), t: sortTime(p ?? {}), item: parseBlueskyPost(p ?? {}) }));
  return { entries, ...(typeof body.cursor === 'string' && body.cursor !== '' && entries.length > 0 && { next: body.cursor }) };
}

/** The exp claim of a JWT (epoch ms), without verifying it: only to refresh before the server refuses. */
export function jwtExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

interface Session {
  access: Secret;
  refresh: Secret;
  accessExpiresAt: number | undefined;
}

export const blueskyConnector: ConnectorDefinition<BlueskyConnectorConfig> = {
  type: 'bluesky',
  kind: 'pull',
  config: BlueskyConnectorSchema,
  defaultName: (config) => `bluesky:${config.query}`,
  // What the product uses of raw; nothing that names a person.
  rawKeys: ['reply'],
  description: 'Bluesky posts matching a search (app password session).',
  create(config, context) {
    return new BlueskyConnector(config, context);
  },
};

export class BlueskyConnector extends PollingConnector<BlueskyConnectorConfig> {
  protected definition(): ConnectorDefinition<BlueskyConnectorConfig> {
    return blueskyConnector;
  }

  private password: Secret | undefined;
  private session: Session | undefined;
  /** How many sessions were created and refreshed (status and tests). */
  readonly sessions = { created: 0, refreshed: 0 };

  protected hosts(): string[] {
    return [new URL(this.config.service).host];
  }

  private xrpc(method: string): string {
    return `${this.config.service.replace(/\/$/, '')}/xrpc/${method}`;
  }

  protected async poll(): Promise<PollResult> {
    this.password ??= requireSecret(this.config, 'app_password');
    this.updateSecrets();
    return pagedPoll<string>({
      cursor: this.loadCursor<PagedCursor<string>>(),
      maxPages: this.config.max_pages,
      commit: (items, cursor) => this.commit(items, cursor),
      fetchPage: async (cursor, { since }) => {
        const params = new URLSearchParams({ q: this.config.query, sort: 'latest', limit: '100' });
        if (since) params.set('since', new Date(since.t).toISOString());
        if (cursor) params.set('cursor', cursor);
        const url = `${this.xrpc('app.bsky.feed.searchPosts')}?${params}`;
        return parseBlueskySearch(await this.authorized(url), describeUrl(url));
      },
    });
  }

  private updateSecrets(): void {
    this.secrets = [this.password, this.session?.access, this.session?.refresh];
  }

  /** A GET with the session's access token; an expired token is refreshed (or the session recreated) and the request sent again. */
  private async authorized(url: string): Promise<unknown> {
    const send = async () => {
      const session = await this.ensureSession();
      const response = await this.send(url, { headers: { accept: 'application/json', authorization: `Bearer ${session.access.reveal()}` } });
      this.honourRateLimit(response);
      return parseJson(response);
    };
    try {
      return await send();
    } catch (error) {
      if (!isExpired(error)) throw error;
      await this.refresh();
      return send();
    }
  }

  private async ensureSession(): Promise<Session> {
    if (!this.session) this.session = await this.createSession();
    else if (this.session.accessExpiresAt !== undefined && this.session.accessExpiresAt - 30_000 <= Date.now()) await this.refresh();
    return this.session as Session;
  }

  private async createSession(): Promise<Session> {
    const password = this.password as Secret;
    let response;
    try {
      response = await this.send(this.xrpc('com.atproto.server.createSession'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ identifier: this.config.identifier, password: password.reveal() }),
      });
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 400)) {
        throw new EcouteError('SOURCE_AUTH', `bluesky refused the app password of ${this.config.identifier} (${password.origin}): HTTP ${error.status} ${xrpcError(error) ?? ''}`.trim(), { cause: error });
      }
      throw error;
    }
    this.sessions.created++;
    return this.sessionFrom(parseJson(response), 'createSession');
  }

  private async refresh(): Promise<void> {
    const current = this.session;
    if (!current) {
      this.session = await this.createSession();
      this.updateSecrets();
      return;
    }
    try {
      const response = await this.send(this.xrpc('com.atproto.server.refreshSession'), {
        method: 'POST',
        headers: { accept: 'application/json', authorization: `Bearer ${current.refresh.reveal()}` },
      });
      this.sessions.refreshed++;
      this.session = this.sessionFrom(parseJson(response), 'refreshSession');
    } catch (error) {
      // The refresh token expired or was revoked: start a new session with the app password.
      if (!(error instanceof HttpError && (error.status === 400 || error.status === 401))) throw error;
      this.session = await this.createSession();
    }
    this.updateSecrets();
  }

  private sessionFrom(data: unknown, method: string): Session {
    const body = data as { accessJwt?: unknown; refreshJwt?: unknown } | null;
    if (typeof body?.accessJwt !== 'string' || typeof body.refreshJwt !== 'string') throw new MalformedResponseError(method, 'no accessJwt/refreshJwt');
    const session = { access: new Secret(body.accessJwt, 'bluesky access token'), refresh: new Secret(body.refreshJwt, 'bluesky refresh token'), accessExpiresAt: jwtExpiry(body.accessJwt) };
    this.session = session;
    this.updateSecrets();
    return session;
  }
}

function xrpcError(error: HttpError): string | undefined {
  try {
    const body = JSON.parse(error.body ?? '') as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

/** The PDS answers an expired access token with 400 ExpiredToken (some with 401). */
function isExpired(error: unknown): boolean {
  if (!(error instanceof HttpError) || (error.status !== 400 && error.status !== 401)) return false;
  const code = xrpcError(error);
  return code === 'ExpiredToken' || code === 'InvalidToken' || (error.status === 401 && code === undefined);
}
