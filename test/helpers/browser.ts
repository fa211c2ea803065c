// What the browser tests share: Debian's chromium launched so that it reaches no host of its own
// (no background networking, updates or sync), and `ecoute run` started in a workspace until it
// prints the dashboard's URL with its token.
import { once } from 'node:events';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, workspace, type Workspace } from './cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** In CI a missing browser is a failure (the CI script installs it). */
export function requireChromium(): void {
  if (!hasChromium) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does it`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface RunningDashboard {
  child: ChildProcess;
  /** The URL `ecoute run` printed, token included. */
  url: string;
  origin: string;
  token: string;
  stdout(): string;
  stderr(): string;
}

const DASHBOARD_URL = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/;

/** Starts `ecoute run` in `ws` and resolves once it has indexed its files and printed the dashboard's URL. */
export async function startDashboard(ws: Workspace, timeoutMs = 90_000): Promise<RunningDashboard> {
  const child = ws.spawn(['run']);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + timeoutMs;
  // The summary (with "indexed") comes before the URL line: both are there once everything is in.
  while (!(DASHBOARD_URL.test(stdout) && stdout.includes('indexed'))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`ecoute run did not print the dashboard URL:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = stdout.match(DASHBOARD_URL)![0];
  const parsed = new URL(url);
  return { child, url, origin: parsed.origin, token: parsed.searchParams.get('token') ?? '', stdout: () => stdout, stderr: () => stderr };
}

/** Stops what a browser test started: the browser, then `ecoute run` (SIGINT drains it). */
export async function stopAll(browser: Browser | undefined, child: ChildProcess | undefined): Promise<void> {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
}

/**
 * A workspace with the two demo brands and a file connector on the demo data set, plus `extra`
 * mentions appended (e.g. one with hostile text); `acme` overrides that brand's name or query.
 */
export function demoWorkspace(extra: readonly object[] = [], acme: { name?: string; query?: string } = {}): Workspace {
  const ws = workspace(`data_dir: ./data
http: { host: 127.0.0.1, port: 0 }
brands:
  - { id: acme, name: ${acme.name !== undefined ? JSON.stringify(acme.name) : 'Acme'}, query: ${JSON.stringify(acme.query ?? 'acme OR "acme corp"')}, competitors: [globex] }
  - { id: globex, name: Globex, query: globex }
connectors:
  - { type: file, path: ./mentions.jsonl }
`);
  const data = join(ws.dir, 'mentions.jsonl');
  copyFileSync(join(ROOT, 'config/demo/mentions.jsonl'), data);
  for (const m of extra) writeFileSync(data, `${JSON.stringify(m)}\n`, { flag: 'a' });
  return ws;
}

/**
 * A page in a new English context of the given height, recording every request it makes (the tests
 * assert none leaves for another host) and every dialog it opens (dismissed: an `alert()` from
 * mention text would be an XSS).
 */
export async function watchedPage(browser: Browser, height: number): Promise<{ context: BrowserContext; page: Page; requests: string[]; dialogs: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height }, locale: 'en-US' });
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, requests, dialogs };
}
