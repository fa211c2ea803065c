// The AlertStore contract (CONTRACT12.md): every implementation (SQLite, Elasticsearch) must pass
// it. Each test opens a fresh, empty store.
import { describe, expect, it } from 'vitest';
import type { AlertStore } from '../../src/alerts/store/types.js';
import { makeAlert, makeIncident } from '../helpers/alert-fixtures.js';

export function alertStoreContract(name: string, open: () => Promise<AlertStore>): void {
  describe(`AlertStore contract: ${name}`, () => {
    const withStore = (fn: (store: AlertStore) => Promise<void>) => async () => {
      const store = await open();
      await store.ensureSchema();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    };

    // Privacy (issue 14, H4).
    it(
      'eraseMentionExamples takes those mentions out of every alert\'s examples, and only those',
      withStore(async (store) => {
        const example = (id: string) => ({ id, source: 'crm', publishedAt: '2026-03-02T10:00:00.000Z', text: `text of ${id}`, sentiment: -0.5, lang: 'en' });
        const base = makeAlert({ id: 'pa1' });
        const a1 = { ...base, explanation: { ...base.explanation, examples: [example('m-erased'), example('m-kept')] } };
        const a2 = { ...makeAlert({ id: 'pa2' }), explanation: { ...base.explanation, examples: [example('m-kept')] } };
        await store.recordAlert(a1);
        await store.recordAlert(a2);
        expect(await store.eraseMentionExamples(new Set(['m-erased']))).toBe(1);
        expect((await store.getAlert('pa1'))!.explanation.examples.map((e) => e.id)).toEqual(['m-kept']);
        expect((await store.getAlert('pa2'))!.explanation.examples.map((e) => e.id)).toEqual(['m-kept']);
        // Once gone, a second erasure changes nothing.
        expect(await store.eraseMentionExamples(new Set(['m-erased']))).toBe(0);
      }),
    );

    it(
      'records an alert once: the same id again is "exists" and changes nothing',
      withStore(async (store) => {
        const alert = makeAlert({ id: 'a1', value: 0.6 });
        expect(await store.recordAlert(alert)).toBe('created');
        expect(await store.recordAlert({ ...alert, value: 0.9 })).toBe('exists');
        expect(await store.getAlert('a1')).toEqual(alert);
        expect(await store.getAlert('nope')).toBeUndefined();
        expect((await store.listAlerts()).items.map((a) => a.id)).toEqual(['a1']);
      }),
    );

    it(
      'lists alerts newest first, filtered by brand, window and incident status, page by page',
      withStore(async (store) => {
        for (let i = 0; i < 7; i++) {
          const start = new Date(Date.UTC(2026, 2, 2, i)).toISOString();
          await store.recordAlert(makeAlert({ id: `a${i}`, brand: i % 2 === 0 ? 'acme' : 'globex', windowStart: start, firedAt: new Date(Date.parse(start) + 3600_000).toISOString(), incidentId: `inc-${i % 3}` }));
        }
        const all = await store.listAlerts();
        expect(all.items.map((a) => a.id)).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
        expect(all.nextCursor).toBeUndefined();
        expect((await store.listAlerts({ brand: 'acme' })).items.map((a) => a.id)).toEqual(['a6', 'a4', 'a2', 'a0']);
        expect((await store.listAlerts({ from: '2026-03-02T02:00:00Z', to: '2026-03-02T05:00:00Z' })).items.map((a) => a.id)).toEqual(['a4', 'a3', 'a2']);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listAlerts({ limit: 3, ...(cursor && { cursor }) });
          expect(page.items.length).toBeLessThanOrEqual(3);
          seen.push(...page.items.map((a) => a.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
        await store.upsertIncident(makeIncident({ id: 'inc-1', status: 'resolved', alertIds: ['a1', 'a4'], resolvedAt: '2026-03-02T09:00:00.000Z' }));
        expect((await store.listAlerts({ status: 'resolved' })).items.map((a) => a.id)).toEqual(['a4', 'a1']);
        expect((await store.listAlerts({ status: 'open', brand: 'acme' })).items.map((a) => a.id)).toEqual(['a6', 'a2', 'a0']);
      }),
    );

    it(
      'refuses a bad limit, date or cursor, and a cursor of other filters',
      withStore(async (store) => {
        await expect(store.listAlerts({ limit: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
        await expect(store.listAlerts({ from: 'yesterday' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('from') });
        await expect(store.listIncidents({ cursor: 'not a cursor!' })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
        for (let i = 0; i < 3; i++) await store.recordAlert(makeAlert({ id: `c${i}`, firedAt: `2026-03-0${i + 1}T00:00:00.000Z` }));
        const page = await store.listAlerts({ limit: 1 });
        expect(page.nextCursor).toBeDefined();
        await expect(store.listAlerts({ limit: 1, brand: 'other', cursor: page.nextCursor as string })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
      }),
    );

    it(
      'upserts incidents, lists them newest first, and gives the open ones of a brand',
      withStore(async (store) => {
        await store.upsertIncident(makeIncident({ id: 'i1', openedAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:00.000Z' }));
        await store.upsertIncident(makeIncident({ id: 'i2', openedAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-02T10:00:00.000Z', brand: 'globex' }));
        await store.upsertIncident(makeIncident({ id: 'i3', openedAt: '2026-03-03T10:00:00.000Z', updatedAt: '2026-03-03T10:00:00.000Z' }));
        await store.upsertIncident(makeIncident({ id: 'i1', status: 'resolved', openedAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T14:00:00.000Z', resolvedAt: '2026-03-01T14:00:00.000Z', alertIds: ['x', 'y'] }));
        expect((await store.listIncidents()).items.map((i) => i.id)).toEqual(['i3', 'i2', 'i1']);
        expect(await store.getIncident('i1')).toMatchObject({ status: 'resolved', alertIds: ['x', 'y'], resolvedAt: '2026-03-01T14:00:00.000Z' });
        expect((await store.openIncidents('acme')).map((i) => i.id)).toEqual(['i3']);
        expect((await store.listIncidents({ status: 'resolved' })).items.map((i) => i.id)).toEqual(['i1']);
        expect((await store.listIncidents({ brand: 'globex' })).items.map((i) => i.id)).toEqual(['i2']);
        expect((await store.listIncidents({ from: '2026-03-01T15:00:00Z' })).items.map((i) => i.id)).toEqual(['i3', 'i2']);
        expect((await store.listIncidents({ limit: 2 })).nextCursor).toBeDefined();
        expect(await store.getIncident('none')).toBeUndefined();
      }),
    );

    it(
      'acknowledges an alert or an incident once, and keeps the ack when the engine updates the incident',
      withStore(async (store) => {
        await store.recordAlert(makeAlert({ id: 'a1', incidentId: 'i1' }));
        await store.upsertIncident(makeIncident({ id: 'i1', alertIds: ['a1'] }));
        const ackedAlert = await store.acknowledge('a1', 'sam');
        expect(ackedAlert).toMatchObject({ id: 'a1', acknowledgedBy: 'sam' });
        expect(Date.parse((ackedAlert as { acknowledgedAt: string }).acknowledgedAt)).not.toBeNaN();
        expect(await store.acknowledge('a1', 'kim')).toMatchObject({ acknowledgedBy: 'sam' });
        expect(await store.getAlert('a1')).toMatchObject({ acknowledgedBy: 'sam' });
        const ackedIncident = await store.acknowledge('i1', 'kim');
        expect(ackedIncident).toMatchObject({ id: 'i1', status: 'open', acknowledgedBy: 'kim' });
        // The engine knows nothing of the ack: its update must not erase it.
        await store.upsertIncident(makeIncident({ id: 'i1', alertIds: ['a1', 'a2'], updatedAt: '2026-03-02T12:00:00.000Z' }));
        expect(await store.getIncident('i1')).toMatchObject({ alertIds: ['a1', 'a2'], acknowledgedBy: 'kim', acknowledgedAt: (ackedIncident as { acknowledgedAt: string }).acknowledgedAt });
        expect(await store.acknowledge('nothing')).toBeUndefined();
      }),
    );

    it(
      'stores feedback per alert, the last answer winning',
      withStore(async (store) => {
        await store.recordAlert(makeAlert({ id: 'a1' }));
        expect(await store.setFeedback('a1', 'not_useful')).toMatchObject({ id: 'a1', feedback: 'not_useful' });
        expect(await store.setFeedback('a1', 'useful')).toMatchObject({ feedback: 'useful' });
        expect(await store.getAlert('a1')).toMatchObject({ feedback: 'useful' });
        expect(await store.setFeedback('none', 'useful')).toBeUndefined();
      }),
    );

    it(
      'keeps one delivery row per (key, notifier), and a sent row is never overwritten',
      withStore(async (store) => {
        expect(await store.deliveryStatus('k1', 'ops')).toBeUndefined();
        await store.recordDelivery({ key: 'k1', notifier: 'ops', status: 'failed', attempts: 3, at: '2026-03-02T11:00:00.000Z', error: 'HTTP 503' });
        expect(await store.deliveryStatus('k1', 'ops')).toBe('failed');
        await store.recordDelivery({ key: 'k1', notifier: 'ops', status: 'sent', attempts: 1, at: '2026-03-02T11:01:00.000Z' });
        expect(await store.deliveryStatus('k1', 'ops')).toBe('sent');
        await store.recordDelivery({ key: 'k1', notifier: 'ops', status: 'dead_lettered', attempts: 5, at: '2026-03-02T11:02:00.000Z' });
        expect(await store.deliveryStatus('k1', 'ops')).toBe('sent');
        expect(await store.deliveryStatus('k1', 'mail')).toBeUndefined();
        await store.recordDelivery({ key: 'k1', notifier: 'mail', status: 'dead_lettered', attempts: 5, at: '2026-03-02T11:02:00.000Z' });
        expect(await store.deliveryStatus('k1', 'mail')).toBe('dead_lettered');
      }),
    );
  });
}
