// What every connector is: a plain definition object registered in registry.ts, with its config
// schema (in src/core/config/schema.ts), whether it pulls with a cursor or is pushed to, and
// create(), which starts it.
import type { Logger } from '../core/log.js';
import type { Bus } from '../streams/bus/types.js';
import type { CursorStore } from './cursors.js';

export interface ConnectorContext {
  bus: Bus;
  cursors: CursorStore;
  log: Logger;
}

export interface ConnectorStatus {
  name: string;
  type: string;
  lastSuccessAt?: string;
  lastError?: { at: string; message: string };
  fetched: number;
  rejected: number;
}

export interface RunningConnector {
  readonly name: string;
  /** Resolves when what was waiting at start is durable on the bus (the backlog is published). */
  readonly caughtUp: Promise<void>;
  status(): ConnectorStatus;
  /** Stops fetching; resolves when nothing of this connector is in flight. */
  stop(): Promise<void>;
}

export interface ConnectorDefinition<C extends { type: string }> {
  type: C['type'];
  kind: 'pull' | 'push';
  description: string;
  create(config: C, context: ConnectorContext): RunningConnector;
}
