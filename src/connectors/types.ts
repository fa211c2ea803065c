// What every connector is: a plain definition object registered in registry.ts, with its config
// schema (in its own folder), its default name, whether it pulls with a cursor or is pushed to, and
// create(), which starts it.
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../core/log.js';
import type { CharsetSource } from './http/charset.js';
import type { Bus } from '../streams/bus/types.js';
import type { CursorStore } from './cursors.js';
import type { Scheduler } from './scheduler.js';
import type { StatusStore } from './status-store.js';
import type { Backpressure } from './backpressure.js'; // issue 15 (threads15)
import type { z } from 'zod';

export interface ConnectorContext {
  bus: Bus;
  cursors: CursorStore;
  log: Logger;
  /** écoute's HTTP server, on which push connectors (webhook) mount their routes before it listens. */
  httpServer?: HttpServer;
  /** The data dir, for what a connector keeps besides its cursor (the webhook's replay memory); none in tests = in memory. */
  dataDir?: string;
  /** Where pull connectors persist their status for `ecoute connectors status`, read by another process. */
  statusStore?: StatusStore;
  /** The per-host request scheduler; the process-wide one when absent (tests pass their own). */
  scheduler?: Scheduler;
  /**
   * The keys of a mention's `raw` that are kept (the definition's rawKeys for this config, set by
   * createConnector); the others are dropped before the mention reaches the bus. Absent: none kept.
   */
  rawKeys?: readonly string[];
  /** Issue 15 (threads15): the pipeline's lag; the webhook refuses requests (503) while it is over the limit. */
  backpressure?: Backpressure;
}

export interface ConnectorStatus {
  name: string;
  type: string;
  lastSuccessAt?: string;
  lastError?: { at: string; message: string };
  fetched: number;
  rejected: number;
  /** Last time a poll read the source up to its newest item (lag = now minus this). */
  caughtUpAt?: string;
  /** Set while the connector waits longer than usual: retry back-off, rate limit, repeated failures. */
  backingOffUntil?: string;
  /** publishedAt of the newest mention made durable. */
  newestMentionAt?: string;
  /** Mentions made durable whose source gave no readable date: their publishedAt is when écoute first saw them. */
  undated?: number;
  /**
   * The last response whose declared charset did not fit its bytes, or with bytes no charset could
   * read: which charset was used, what decided it, and how many byte sequences became U+FFFD.
   */
  decoding?: { at: string; url: string; charset: string; from: CharsetSource; replaced: number; rejected: string[] };
}

export interface RunningConnector {
  readonly name: string;
  /** Resolves when what was waiting at start is durable on the bus (the backlog is published). */
  readonly caughtUp: Promise<void>;
  status(): ConnectorStatus;
  /** Stops fetching; resolves when nothing of this connector is in flight. */
  stop(): Promise<void>;
}

/**
 * The zod schema of one connector's entry in `connectors:`: an object whose `type` is a literal (the
 * whole config tells connectors apart by it), every field `.describe()`d, unknown keys refused.
 */
export type ConnectorConfigSchema<C extends { type: string }> = z.ZodType<C> & z.core.$ZodTypeDiscriminable;

export interface ConnectorDefinition<C extends { type: string }> {
  type: C['type'];
  kind: 'pull' | 'push';
  description: string;
  /** Its config schema, beside create(); src/config/ adds it to the `connectors:` union. */
  config: ConnectorConfigSchema<C>;
  /**
   * Its name when the config gives none (a `name` field wins): what keys its cursor and its status,
   * and what `ecoute connectors status` shows. From the config alone, so a process that does not run
   * the connector (the status command) finds the same rows.
   */
  defaultName(config: C): string;
  /**
   * Which keys of `raw` this source's mentions keep (everything else a source sends is dropped at
   * the publisher, before any topic): only what the product uses, never who wrote it. A function
   * when the config decides (file and webhook lines carry user-chosen columns).
   */
  rawKeys: readonly string[] | ((config: C) => readonly string[]);
  create(config: C, context: ConnectorContext): RunningConnector;
}

/** A connector's name: the config's `name` when it has one, else the definition's default. */
export function nameOf<C extends { type: string }>(definition: ConnectorDefinition<C>, config: C): string {
  const named = (config as { name?: unknown }).name;
  return typeof named === 'string' ? named : definition.defaultName(config);
}

/** The raw keys a definition keeps for one config. */
export function rawKeysOf<C extends { type: string }>(definition: ConnectorDefinition<C>, config: C): readonly string[] {
  return typeof definition.rawKeys === 'function' ? definition.rawKeys(config) : definition.rawKeys;
}
