// What `ecoute status` shows (issue 14, "Operations"), gathered from the configured bus and stores
// without running anything: the services and whether they answer, each stage's consumer lag per
// topic and partition, the dead letters, the last alert and the open incidents, the last report
// delivery, and each connector's health as the running process last recorded it. Every part has
// its own time limit, so a service that does not answer is named instead of hanging the command.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { withinDeadline } from '../core/deadline.js';
import { EcouteError, errorMessage, isEcouteError } from '../core/errors.js';
import { openBus, openStore } from '../app/runtime.js';
import { createAlertStore } from '../alerts/store/index.js';
import { notifyGroup } from '../alerts/notify-stage.js';
import { ALERTS_GROUP } from '../alerts/stage.js';
import { SqliteStatusStore } from '../connectors/status-store.js';
import { ReportLog, REPORTS_FILE } from '../reports/log.js';
import { ANALYZE_GROUP } from '../streams/analyze.js';
import type { Bus, Topic } from '../streams/bus/types.js';
import type { DeadLetter } from '../streams/dead-letter.js';
import { INDEX_GROUP } from '../streams/index-stage.js';
import { sourceStatuses, type SourceStatus } from './commands/connectors.js';

export interface ServiceStatus {
  type: string;
  /** Where it is: the brokers, the node, or the file. */
  at: string;
  ok: boolean;
  /** Why it does not answer (ok false), or a remark ("not created yet"). */
  detail?: string;
}

export interface StageLag {
  stage: string;
  topic: Topic;
  group: string;
  /** Records not handled yet, all partitions. Null: the bus did not answer. */
  lag: number | null;
  partitions: { partition: number; committed: number; end: number; lag: number }[];
}

export interface StatusReport {
  at: string;
  services: { bus: ServiceStatus; store: ServiceStatus & { mentions?: number } };
  stages: StageLag[];
  dead_letters: { written: number; last: { at: string; stage: string; code: string; reason: string } | null } | null;
  alerts: { last: { fired_at: string; brand: string; rule: string; severity: string; summary?: string } | null; open_incidents: number } | null;
  reports: { last: { at: string; schedule: string; destination: string; status: string; error: string | null } | null; deliveries: number } | null;
  connectors: SourceStatus[];
  /** Parts that could not be read, with why. */
  problems: string[];
}

// Generous: a busy Kafka or Elasticsearch answers slowly, a down one not at all.
const PART_TIMEOUT_MS = 20_000;

const within = <T>(what: string, work: Promise<T>, ms = PART_TIMEOUT_MS): Promise<T> =>
  withinDeadline(work, ms, () => new EcouteError('SERVICE_UNREACHABLE', `${what}: no answer within ${ms} ms`));

const why = (error: unknown) => (isEcouteError(error) ? `${error.code}: ${error.message}` : errorMessage(error)).slice(0, 300);

/** The consumer groups of the pipeline, by stage, with the topic each reads. */
function stageGroups(config: Readonly<Config>): { stage: string; topic: Topic; group: string }[] {
  return [
    { stage: 'analyze', topic: 'mentions.raw', group: ANALYZE_GROUP },
    { stage: 'index', topic: 'mentions.analyzed', group: INDEX_GROUP },
    { stage: 'alerts', topic: 'mentions.analyzed', group: ALERTS_GROUP },
    ...config.alerts.notifiers.map((n) => ({ stage: `notify ${n.name}`, topic: 'alerts' as Topic, group: notifyGroup(n.name) })),
  ];
}

async function lagOf(bus: Bus, s: { stage: string; topic: Topic; group: string }): Promise<StageLag> {
  const [end, committed] = await Promise.all([bus.endOffsets(s.topic), bus.committedOffsets(s.topic, s.group)]);
  const partitions = Object.entries(end).map(([p, e]) => {
    const c = committed[Number(p)] ?? 0;
    return { partition: Number(p), committed: c, end: e, lag: Math.max(0, e - c) };
  });
  return { ...s, lag: partitions.reduce((n, p) => n + p.lag, 0), partitions };
}

/** How many dead letters the topic received, and the newest one (by time, across partitions). */
async function deadLetters(bus: Bus): Promise<StatusReport['dead_letters']> {
  const end = await bus.endOffsets('mentions.dlq');
  const written = Object.values(end).reduce((n, e) => n + e, 0);
  let last: NonNullable<StatusReport['dead_letters']>['last'] = null;
  let newest = Number.NEGATIVE_INFINITY;
  for (const [p, e] of Object.entries(end)) {
    if (e === 0) continue;
    // The last record of this partition only: every other partition is read from its end.
    const from = Object.fromEntries(Object.entries(end).map(([q, eq]) => [Number(q), q === p ? e - 1 : eq]));
    for (const record of await bus.read('mentions.dlq', from, 1)) {
      if (record.timestamp <= newest) continue;
      try {
        const letter = JSON.parse(record.value) as DeadLetter;
        newest = record.timestamp;
        last = { at: letter.at ?? new Date(record.timestamp).toISOString(), stage: letter.stage, code: letter.code, reason: letter.reason.slice(0, 200) };
      } catch {
        // another tool's record on the topic: not a dead letter of ours
      }
    }
  }
  return { written, last };
}

export async function gatherStatus(config: Readonly<Config>, now = Date.now()): Promise<StatusReport> {
  const dataDir = resolve(config.data_dir);
  const problems: string[] = [];
  const embeddedFile = (name: string) => join(dataDir, name);
  const busAt = config.bus.type === 'kafka' ? config.bus.brokers.join(',') : embeddedFile('bus.sqlite');
  const storeAt = config.store.type === 'elasticsearch' ? config.store.node : embeddedFile('store.sqlite');
  const report: StatusReport = {
    at: new Date(now).toISOString(),
    services: { bus: { type: config.bus.type, at: busAt, ok: false }, store: { type: config.store.type, at: storeAt, ok: false } },
    stages: [],
    dead_letters: null,
    alerts: null,
    reports: null,
    connectors: [],
    problems,
  };

  // The bus: lag of every stage's group, the dead letters. An embedded file not there yet is not
  // created by looking at it.
  if (config.bus.type === 'embedded' && !existsSync(busAt)) {
    report.services.bus = { ...report.services.bus, ok: true, detail: 'not created yet (nothing has run in this data dir)' };
  } else {
    const bus = openBus(config);
    try {
      report.stages = await within('the bus', Promise.all(stageGroups(config).map((s) => lagOf(bus, s))));
      report.services.bus.ok = true;
      report.dead_letters = await within('the dead-letter topic', deadLetters(bus)).catch((error: unknown) => {
        problems.push(`dead letters: ${why(error)}`);
        return null;
      });
    } catch (error) {
      report.services.bus.detail = why(error);
      report.stages = stageGroups(config).map((s) => ({ ...s, lag: null, partitions: [] }));
      problems.push(`bus: ${why(error)}`);
    } finally {
      await within('closing the bus', bus.close(), 3000).catch(() => undefined);
    }
  }

  // The store: does it answer, how many mentions; the alert store beside it.
  if (config.store.type === 'embedded' && !existsSync(storeAt)) {
    report.services.store = { ...report.services.store, ok: true, detail: 'not created yet (nothing has run in this data dir)' };
  } else {
    try {
      const store = await within('the store', openStore(config));
      try {
        report.services.store = { ...report.services.store, ok: true, mentions: await within('the store', store.count({})) };
      } finally {
        await store.close().catch(() => undefined);
      }
    } catch (error) {
      report.services.store.ok = false;
      report.services.store.detail = why(error);
      problems.push(`store: ${why(error)}`);
    }
  }
  if (report.services.store.ok && (config.store.type === 'elasticsearch' || existsSync(embeddedFile('alerts.sqlite')))) {
    const alerts = createAlertStore(config);
    try {
      const [latest, open] = await within('the alert store', Promise.all([alerts.listAlerts({ limit: 1 }), alerts.listIncidents({ status: 'open', limit: 500 })]));
      const a = latest.items[0];
      report.alerts = {
        last: a ? { fired_at: a.firedAt, brand: a.brand, rule: a.rule, severity: a.severity } : null,
        open_incidents: open.items.length,
      };
    } catch (error) {
      problems.push(`alerts: ${why(error)}`);
    } finally {
      await alerts.close().catch(() => undefined);
    }
  }

  // Reports and connectors: files the running `ecoute run` keeps in its data dir.
  if (existsSync(embeddedFile(REPORTS_FILE))) {
    const log = new ReportLog(embeddedFile(REPORTS_FILE));
    try {
      const deliveries = log.deliveries();
      const d = deliveries[0];
      // The destination's kind and name only: an address or a URL is not for a status screen.
      report.reports = { last: d ? { at: d.runAt, schedule: d.schedule, destination: d.destination.split(':')[0] ?? d.destination, status: d.status, error: d.error } : null, deliveries: deliveries.length };
    } catch (error) {
      problems.push(`reports: ${why(error)}`);
    } finally {
      log.close();
    }
  }
  const connectorsFile = embeddedFile('connectors.sqlite');
  const statusStore = existsSync(connectorsFile) ? new SqliteStatusStore(connectorsFile, { readonly: true }) : undefined;
  try {
    report.connectors = sourceStatuses(config.connectors, statusStore, now);
  } finally {
    statusStore?.close();
  }
  return report;
}
