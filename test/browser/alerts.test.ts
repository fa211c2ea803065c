// The alerts panel in a real browser (Debian's chromium, launched as test/browser/dashboard.test.ts
// does) against the real `ecoute run` on the demo data: the engine finds the bad delivery day and
// the panel shows its incident with the explanation (examples as text: a hostile mention in that
// day runs nothing), acknowledges it and records feedback through the API, follows the link to the
// window's mentions, runs the backtest form, and no request leaves écoute.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, hasChromium, launchChromium, requireChromium, startDashboard, stopAll, watchedPage } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const OUT = join(ROOT, 'test-output');
// On the bad day of the demo data, so it may be one of the alert's examples.
const HOSTILE = { source: 'trustpilot', id: 'alerts-xss-probe', text: 'Acme delivery late again <img src=x onerror=alert(1)> never again', published_at: '2026-11-07T15:00:00Z', lang: 'en', rating: 0.2 };

describe.skipIf(!hasChromium && !process.env.CI)('alerts panel in a browser', () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let url = '';
  let origin = '';
  let token = '';
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${origin}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    requireChromium();
    mkdirSync(OUT, { recursive: true });
    const ws = demoWorkspace([HOSTILE]);
    const running = await startDashboard(ws);
    child = running.child;
    url = running.url;
    origin = running.origin;
    token = running.token;
    const deadline = Date.now() + 90_000;
    const stderr = running.stderr;
    // The alerts stage evaluates the history as it streams by: wait for the incident it records.
    while ((await api('/api/incidents?brand=acme')).body.incidents?.length === 0) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no incident was recorded:\n${stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchChromium();
  }, 180_000);

  afterAll(() => stopAll(browser, child));

  it('shows the incident with its explanation, acknowledges it, records feedback, links to its mentions, and talks only to écoute', async () => {
    const { body: listed } = await api('/api/incidents?brand=acme');
    const { body: detail } = await api(`/api/incidents/${encodeURIComponent(listed.incidents[0].id)}`);
    const incident = detail.incident;
    const alert = detail.alerts[detail.alerts.length - 1];

    const { context, page, requests, dialogs } = await watchedPage(browser!, 1000);
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined);

    const card = page.locator(`#incidents .incident[data-incident="${incident.id}"]`);
    await card.waitFor();
    expect(await card.locator('.severity').innerText()).toBe(incident.severity.toUpperCase());
    expect(await card.locator('.summary').innerText()).toBe(alert.explanation.summary);
    expect(await card.locator('.value-line').innerText()).toContain('Volume (mentions): 21');
    expect(await card.locator('.value-line').innerText()).toContain('usual');
    expect(await card.locator('.drivers').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Fields over-weighing')]));
    // Examples are the alert's mention texts, as text.
    expect(await card.locator('.examples q').allTextContents()).toEqual(alert.explanation.examples.map((m: { text: string }) => m.text));
    expect(await page.locator('#alerts-panel img, #alerts-panel script').count()).toBe(0);
    await page.screenshot({ path: join(OUT, 'alerts-panel.png'), fullPage: true });

    // Acknowledge: the button calls the API, the card says so, the store has it.
    await card.locator('button.ack').click();
    await page.waitForFunction((id: string) => document.querySelector(`[data-incident="${id}"]`)?.dataset.acknowledged === 'true', incident.id);
    expect(await card.locator('.ack-state').innerText()).toMatch(/^Acknowledged by /);
    expect((await api(`/api/incidents/${encodeURIComponent(incident.id)}`)).body.incident.acknowledgedAt).toBeDefined();
    expect(await card.locator('button.ack').isDisabled()).toBe(true);

    await card.locator('button.feedback-useful').click();
    await expect.poll(() => card.locator('.feedback-state').innerText()).toBe('Marked useful');
    expect((await api(`/api/alerts/${encodeURIComponent(alert.id)}`)).body.alert.feedback).toBe('useful');

    // The backtest form: the route answers (the engine's) or the panel says it is not there.
    await page.locator('.backtest-box summary').click();
    await page.locator('#bt-from').fill('2026-10-01');
    await page.locator('#bt-to').fill('2026-12-01');
    await page.locator('#backtest-form button[type=submit]').click();
    await page.waitForFunction(() => !/Replaying|^$/.test(document.getElementById('bt-status')?.textContent ?? ''));
    const backtestRoute = (await api('/api/alerts/backtest', { method: 'POST', body: { brand: 'acme', from: '2026-10-01T00:00:00Z', to: '2026-12-01T00:00:00Z' } })).status;
    if (backtestRoute === 404) expect(await page.locator('#bt-status').innerText()).toContain('not available');
    else {
      expect(await page.locator('#bt-status').innerText()).toMatch(/would have fired/);
      expect(await page.locator('#bt-results li').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Nov 7, 2026')]));
      // A rule being edited: a volume rule on the delivery field, hourly, tried without saving.
      await page.locator('#bt-metric').selectOption('volume');
      await page.locator('#bt-window').selectOption('1d');
      await page.locator('#bt-query').fill('field:delivery');
      await page.locator('#bt-preset').selectOption('sensitive');
      await page.locator('#backtest-form button[type=submit]').click();
      await page.waitForFunction(() => !/Replaying|^$/.test(document.getElementById('bt-status')?.textContent ?? ''));
      expect(await page.locator('#bt-status').innerText()).toMatch(/would have fired/);
      for (const line of await page.locator('#bt-results li').allInnerTexts()) expect(line).toContain('draft · Volume (mentions)');
      // A broken query says so.
      await page.locator('#bt-query').fill('field:(');
      await page.locator('#backtest-form button[type=submit]').click();
      await page.waitForFunction(() => !/Replaying|^$/.test(document.getElementById('bt-status')?.textContent ?? ''));
      expect(await page.locator('#bt-status').innerText()).toMatch(/^Could not load: rules\[0\]\.query/);
    }

    // The link opens the dashboard on the alert's window.
    await card.locator('a.show-mentions').click();
    await page.waitForURL((u) => u.searchParams.has('from'));
    await page.waitForFunction(() => document.body.dataset.ready !== undefined);
    expect(new URL(page.url()).searchParams.get('from')).toBe(alert.windowStart);
    expect(Number((await page.locator('#total').innerText()).replace(/[^\d]/g, ''))).toBeGreaterThan(0);
    expect(await page.locator('#brand').inputValue()).toBe('acme');

    expect(dialogs).toEqual([]);
    const elsewhere = requests.filter((r) => !r.startsWith('data:') && new URL(r).origin !== origin);
    expect(elsewhere).toEqual([]);
    await context.close();
  }, 120_000);
});
