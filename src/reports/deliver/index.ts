// Delivering one made report to one destination of a schedule: a folder, email, a webhook. Each
// destination has a stable key (the delivery log's), and a failure is a REPORT_DELIVERY_FAILED
// whose message names the destination but never a secret.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { postOnce } from '../../connectors/http/outbound.js';
import { readSecret, scrubSecrets } from '../../core/config/secret.js';
import { EcouteError, errorMessage } from '../../core/errors.js';
import type { ReportDelivery } from '../config.js';
import { renderSummaryHtml } from '../html.js';
import { renderMarkdown } from '../markdown.js';
import type { ReportData } from '../model.js';
import type { RenderedReport } from '../render.js';
import { t } from '../strings.js';

export interface MadeReport {
  data: ReportData;
  /** Each format of the schedule. */
  files: RenderedReport[];
  schedule: string;
  /**
   * The scheduled run this report is (ISO time), when it is one: the webhook sends it as
   * `Idempotency-Key: <schedule>@<run_at>` (issue 14, faults-embedded part), the same on a catch-up
   * or a retry after a crash, so a receiver drops a repeat.
   */
  runAt?: string;
}

/** The delivery log's key of a destination (no secret in it: a webhook's query string is left out). */
export function destinationKey(d: ReportDelivery): string {
  switch (d.type) {
    case 'folder':
      return `folder:${resolve(d.path)}`;
    case 'email':
      return `email:${[...d.to].sort().join(',')}`;
    case 'webhook': {
      const u = new URL(d.url);
      return `webhook:${u.origin}${u.pathname}`;
    }
  }
}

function failed(d: ReportDelivery, error: unknown): EcouteError {
  return new EcouteError('REPORT_DELIVERY_FAILED', scrubSecrets(`${destinationKey(d)}: ${errorMessage(error)}`), { cause: error });
}

export function subjectOf(data: ReportData): string {
  const s = t(data.lang);
  return `${s.title(data.brand.name)} · ${data.period.label}${data.empty ? ` · ${data.lang === 'fr' ? 'rien à signaler' : 'nothing to report'}` : ''}`;
}

export async function deliver(d: ReportDelivery, report: MadeReport): Promise<void> {
  try {
    switch (d.type) {
      case 'folder':
        return toFolder(d.path, report);
      case 'email':
        return await byEmail(d, report);
      case 'webhook':
        return await toWebhook(d, report);
    }
  } catch (error) {
    throw failed(d, error);
  }
}

function toFolder(path: string, report: MadeReport): void {
  const dir = resolve(path);
  mkdirSync(dir, { recursive: true });
  for (const file of report.files) {
    // Written aside then renamed: a reader never sees half a report.
    const target = join(dir, file.fileName);
    const partial = `${target}.partial`;
    writeFileSync(partial, file.body);
    renameSync(partial, target);
  }
}

async function byEmail(d: Extract<ReportDelivery, { type: 'email' }>, report: MadeReport): Promise<void> {
  const password = readSecret(d.smtp, 'password');
  const transport = nodemailer.createTransport({
    host: d.smtp.host,
    port: d.smtp.port,
    secure: d.smtp.secure,
    connectionTimeout: d.smtp.timeout_ms,
    greetingTimeout: d.smtp.timeout_ms,
    socketTimeout: d.smtp.timeout_ms,
    ...(d.smtp.user !== undefined && { auth: { user: d.smtp.user, ...(password && { pass: password.reveal() }) } }),
  });
  try {
    // A report with nothing to say is its one line, without attachments.
    const attachments = report.data.empty ? [] : report.files.map((f) => ({ filename: f.fileName, content: f.body, contentType: f.contentType }));
    await transport.sendMail({
      from: d.from,
      to: d.to,
      subject: subjectOf(report.data),
      html: renderSummaryHtml(report.data),
      text: report.data.empty ? (report.data.message ?? '') : renderMarkdown(report.data),
      attachments,
    });
  } finally {
    transport.close();
  }
}

async function toWebhook(d: Extract<ReportDelivery, { type: 'webhook' }>, report: MadeReport): Promise<void> {
  const secret = readSecret(d, 'secret');
  const files = Object.fromEntries(report.files.map((f) => [f.format, { file_name: f.fileName, content_type: f.contentType, ...(f.format === 'pdf' ? { base64: f.body.toString('base64') } : { text: f.body.toString('utf8') }) }]));
  // Through the SSRF guard (issue 14, security): metadata addresses refused, no redirect followed.
  const response = await postOnce({
    url: d.url,
    headers: {
      'content-type': 'application/json',
      ...(report.runAt !== undefined && { 'idempotency-key': `${report.schedule}@${report.runAt}` }),
      ...(secret && { authorization: `Bearer ${secret.reveal()}` }),
    },
    body: JSON.stringify({ schedule: report.schedule, ...(report.runAt !== undefined && { run_at: report.runAt }), brand: report.data.brand.id, period: report.data.period, empty: report.data.empty, report: report.data, files }),
    timeoutMs: d.timeout_ms,
    allowPrivateNetworks: d.allow_private_networks,
  });
  if (response.status < 200 || response.status >= 300) throw new EcouteError('REPORT_DELIVERY_FAILED', `the webhook answered ${response.status}`);
}
