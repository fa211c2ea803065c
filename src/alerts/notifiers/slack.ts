// A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat...): the message as Block Kit
// blocks — the summary, metric / value / usual value, the fields and terms over-weighing, the
// example mentions, the dashboard link — with `text` as the notification fallback. Mention texts
// go in plain_text objects only, so nothing a stranger wrote is read as mrkdwn (no @channel, no
// links dressed as something else). The URL is the credential: it is read from url_env/url_file
// and never shown (messages say "slack notifier <name>").
import type { Secret } from '../../core/config/secret.js';
import type { IncidentEvent } from '../types.js';
import type { SlackNotifierConfig } from './config.js';
import { postJson } from './http.js';
import type { AlertMessage } from './message.js';
import type { Notifier } from './types.js';
import { notifierSecret } from './webhook.js';

type Block = Record<string, unknown>;
const plain = (text: string) => ({ type: 'plain_text', text: text.slice(0, 3000), emoji: false });

/** Slack's mrkdwn needs &, < and > escaped; used only on our own labels and values. */
const mrkdwnEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackPayload(message: AlertMessage): { text: string; blocks: Block[] } {
  const blocks: Block[] = [
    { type: 'header', text: plain(message.heading.slice(0, 150)) },
    { type: 'section', text: plain(message.summary) },
  ];
  if (message.facts.length > 0) {
    blocks.push({ type: 'section', fields: message.facts.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${mrkdwnEscape(k)}*\n${mrkdwnEscape(v)}` })) });
  }
  const lists: [string, string[]][] = [
    [message.fieldsLabel, message.fields],
    [message.termsLabel, message.terms],
  ];
  for (const [label, items] of lists) if (items.length > 0) blocks.push({ type: 'section', text: plain(`${label}: ${items.join(', ')}`) });
  if (message.examples.length > 0) {
    blocks.push({ type: 'context', elements: [plain(message.examplesLabel)] });
    for (const m of message.examples) blocks.push({ type: 'section', text: plain(`“${m.text}” — ${m.source}, ${m.publishedAt.slice(0, 16).replace('T', ' ')}`) });
  }
  if (message.link) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: plain(message.linkLabel), url: message.link }] });
  }
  blocks.push({ type: 'context', elements: [plain(message.footer)] });
  return { text: message.subject, blocks };
}

export class SlackNotifier implements Notifier {
  readonly type = 'slack' as const;
  readonly name: string;
  private readonly url: Secret;

  constructor(
    readonly config: SlackNotifierConfig,
    private readonly render: (event: IncidentEvent) => AlertMessage,
  ) {
    this.name = config.name;
    this.url = notifierSecret(config, 'url');
  }

  async send(event: IncidentEvent, signal?: AbortSignal): Promise<void> {
    await postJson(this.url.reveal(), JSON.stringify(slackPayload(this.render(event))), {}, { timeoutMs: this.config.timeout_ms, where: `slack notifier ${this.name}`, allowPrivateNetworks: this.config.allow_private_networks, ...(signal && { signal }) });
  }

  async close(): Promise<void> {}
}
