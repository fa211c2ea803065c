// Every connector, by its config `type`. Adding a source = one file in src/connectors/ with its
// definition, its schema in src/core/config/schema.ts, and one line here.
import type { ConnectorConfig } from '../core/config/schema.js';
import { fileConnector } from './file/index.js';
import { webhookConnector } from './webhook/index.js';
import { rssConnector } from './rss/index.js';
import { hackerNewsConnector } from './hackernews/index.js';
import { appStoreConnector } from './appstore/index.js';
import { redditConnector } from './reddit/index.js';
import { mastodonConnector } from './mastodon/index.js';
import { blueskyConnector } from './bluesky/index.js';
import { youTubeConnector } from './youtube/index.js';
import { rawKeysOf, type ConnectorContext, type ConnectorDefinition, type RunningConnector } from './types.js';

type DefinitionFor<T extends ConnectorConfig['type']> = ConnectorDefinition<Extract<ConnectorConfig, { type: T }>>;

export const connectors: { [T in ConnectorConfig['type']]: DefinitionFor<T> } = {
  file: fileConnector,
  webhook: webhookConnector,
  rss: rssConnector,
  hackernews: hackerNewsConnector,
  appstore: appStoreConnector,
  reddit: redditConnector,
  mastodon: mastodonConnector,
  bluesky: blueskyConnector,
  youtube: youTubeConnector,
};

/** True when a connector is pushed to (it needs écoute's HTTP server). */
export function isPushConnector(config: ConnectorConfig): boolean {
  return connectors[config.type].kind === 'push';
}

export function createConnector(config: ConnectorConfig, context: ConnectorContext): RunningConnector {
  const definition = connectors[config.type] as ConnectorDefinition<ConnectorConfig>;
  return definition.create(config, { ...context, rawKeys: rawKeysOf(definition, config) });
}
