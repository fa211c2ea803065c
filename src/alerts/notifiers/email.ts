// Email through SMTP with nodemailer: one message per incident change, with a text part and an
// HTML part in the brand's language. Every piece of text in the HTML is escaped (a mention may
// hold "<script>"); the text part is the same content, unformatted. Errors are NOTIFY_SMTP:
// a 4xx answer or a connection failure may pass later (retried), a 5xx will not.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Secret } from '../../core/config/secret.js';
import type { IncidentEvent } from '../types.js';
import type { EmailNotifierConfig } from './config.js';
import type { AlertMessage } from './message.js';
import { NotifyError, type Notifier } from './types.js';
import { notifierSecret } from './webhook.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function emailText(message: AlertMessage): string {
  const lines = [message.heading, '', message.summary, ''];
  for (const [k, v] of message.facts) lines.push(`${k}: ${v}`);
  if (message.fields.length > 0) lines.push('', `${message.fieldsLabel}: ${message.fields.join(', ')}`);
  if (message.terms.length > 0) lines.push(`${message.termsLabel}: ${message.terms.join(', ')}`);
  if (message.examples.length > 0) {
    lines.push('', `${message.examplesLabel}:`);
    for (const m of message.examples) lines.push(`  - "${m.text}" (${m.source}, ${m.publishedAt.slice(0, 16).replace('T', ' ')}${m.url ? `, ${m.url}` : ''})`);
  }
  if (message.link) lines.push('', `${message.linkLabel}: ${message.link}`);
  lines.push('', '--', message.footer);
  return `${lines.join('\n')}\n`;
}

export function emailHtml(message: AlertMessage): string {
  const e = escapeHtml;
  const facts = message.facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${e(k)}</th><td>${e(v)}</td></tr>`).join('');
  const list = (label: string, items: string[]) => (items.length > 0 ? `<p><strong>${e(label)}:</strong> ${e(items.join(', '))}</p>` : '');
  const examples =
    message.examples.length > 0
      ? `<h3>${e(message.examplesLabel)}</h3><ul>${message.examples
          .map((m) => `<li><q>${e(m.text)}</q> <small>(${e(m.source)}, ${e(m.publishedAt.slice(0, 16).replace('T', ' '))}${m.url && /^https?:\/\//.test(m.url) ? `, <a href="${e(m.url)}">${e(m.url)}</a>` : ''})</small></li>`)
          .join('')}</ul>`
      : '';
  const link = message.link ? `<p><a href="${e(message.link)}">${e(message.linkLabel)}</a></p>` : '';
  return `<!doctype html><html lang="${message.lang}"><head><meta charset="utf-8"><title>${e(message.subject)}</title></head><body style="font-family:sans-serif">
<h2>${e(message.heading)}</h2>
<p>${e(message.summary)}</p>
<table>${facts}</table>
${list(message.fieldsLabel, message.fields)}${list(message.termsLabel, message.terms)}${examples}${link}
<hr><p><small>${e(message.footer)}</small></p>
</body></html>
`;
}

export class EmailNotifier implements Notifier {
  readonly type = 'email' as const;
  readonly name: string;
  private readonly transport: Transporter;

  constructor(
    readonly config: EmailNotifierConfig,
    private readonly render: (event: IncidentEvent) => AlertMessage,
  ) {
    this.name = config.name;
    const password: Secret | undefined = config.password_env !== undefined || config.password_file !== undefined ? notifierSecret(config, 'password') : undefined;
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.require_tls,
      connectionTimeout: config.timeout_ms,
      greetingTimeout: config.timeout_ms,
      socketTimeout: config.timeout_ms,
      ...(config.username !== undefined && password && { auth: { user: config.username, pass: password.reveal() } }),
    });
  }

  async send(event: IncidentEvent): Promise<void> {
    const message = this.render(event);
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: this.config.to,
        subject: message.subject,
        text: emailText(message),
        html: emailHtml(message),
        // The same change is one message: a mail client threads repeats, and the key is in the headers.
        messageId: `<${event.key.replace(/[^A-Za-z0-9._-]/g, '.')}@ecoute>`,
        headers: { 'X-Ecoute-Idempotency-Key': event.key, 'X-Ecoute-Event': event.kind },
      });
    } catch (error) {
      const e = error as { responseCode?: number; code?: string; message?: string };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      throw new NotifyError('NOTIFY_SMTP', `email notifier ${this.name} (${this.config.host}:${this.config.port}): ${e.code ? `${e.code}: ` : ''}${(e.message ?? String(error)).slice(0, 300)}`, {
        retriable: !permanent,
      });
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
