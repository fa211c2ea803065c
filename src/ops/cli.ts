// The worker's --metrics-port option, read against ops.metrics_port.
import { EcouteError } from '../core/errors.js';
import type { OpsConfig } from './config.js';

/** The port of the worker's metrics server: the option, else the config; undefined: none. */
export function metricsPortOf(option: string | undefined, ops: OpsConfig | undefined): number | undefined {
  if (option === undefined) return ops?.metrics_port;
  const port = /^\d+$/.test(option) ? Number(option) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new EcouteError('USAGE', `--metrics-port: must be a whole number from 0 to 65535, got "${option}"`);
  return port;
}
