// Every connector, by its config `type`. Adding a source = one folder in src/connectors/ whose
// index.ts exports its definition (config schema, name, create()), and one line in the list below:
// the config schema, the JSON Schema, `config validate` and `connectors status` all follow from it.
import { fileConnector } from './file/index.js';
import { webhookConnector } from './webhook/index.js';
import { rssConnector } from './rss/index.js';
import { hackerNewsConnector } from './hackernews/index.js';
import { appStoreConnector } from './appstore/index.js';
import { redditConnector } from './reddit/index.js';
import { mastodonConnector } from './mastodon/index.js';
import { blueskyConnector } from './bluesky/index.js';
import { youTubeConnector } from './youtube/index.js';
import { nameOf, rawKeysOf, type ConnectorContext, type ConnectorDefinition, type RunningConnector } from './types.js';

/** In the order the JSON Schema lists them. */
export const connectorDefinitions = [
  fileConnector,
  webhookConnector,
  rssConnector,
  hackerNewsConnector,
  appStoreConnector,
  redditConnector,
  mastodonConnector,
  blueskyConnector,
  youTubeConnector,
] as const;

type ConfigOf<D> = D extends ConnectorDefinition<infer C> ? C : never;

/** One entry of `connectors:`, validated: the union of every registered connector's config. */
export type ConnectorConfig = ConfigOf<(typeof connectorDefinitions)[number]>;

type DefinitionFor<T extends ConnectorConfig['type']> = ConnectorDefinition<Extract<ConnectorConfig, { type: T }>>;

export const connectors = Object.fromEntries(connectorDefinitions.map((d) => [d.type, d])) as { [T in ConnectorConfig['type']]: DefinitionFor<T> };

/** True when a connector is pushed to (it needs écoute's HTTP server). */
export function isPushConnector(config: ConnectorConfig): boolean {
  return connectors[config.type].kind === 'push';
}

/** The name of a configured connector (keys its cursor and its status), from the config alone. */
export function connectorName(config: ConnectorConfig): string {
  return nameOf(connectors[config.type] as ConnectorDefinition<ConnectorConfig>, config);
}

export function createConnector(config: ConnectorConfig, context: ConnectorContext): RunningConnector {
  const definition = connectors[config.type] as ConnectorDefinition<ConnectorConfig>;
  return definition.create(config, { ...context, rawKeys: rawKeysOf(definition, config) });
}
