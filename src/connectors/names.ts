// The name of a configured connector: what keys its cursor and its status, and what
// `ecoute connectors status` shows. Computed from the config alone, so a process that does not run
// the connector (the status command) finds the same rows.
import type { ConnectorConfig } from '../core/config/schema.js';

export function connectorName(config: ConnectorConfig): string {
  if ('name' in config && typeof config.name === 'string') return config.name;
  switch (config.type) {
    case 'file':
      return `file:${config.path}`;
    case 'webhook':
      return `webhook:${config.source}`;
    case 'rss':
      return `rss:${config.url}`;
    case 'hackernews':
      return `hackernews:${config.query}`;
    case 'appstore':
      return `appstore:${config.country}:${config.app_id}`;
    case 'reddit':
      return `reddit:${config.subreddit ? `r/${config.subreddit}:` : ''}${config.query}`;
    case 'mastodon':
      return `mastodon:${new URL(config.instance).host}:${[...config.hashtags.map((t) => `#${t.replace(/^#/, '')}`), ...(config.query ? [config.query] : [])].join(',')}`;
    case 'bluesky':
      return `bluesky:${config.query}`;
    case 'youtube':
      return `youtube:${config.query}`;
  }
}
