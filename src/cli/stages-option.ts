import { STAGES, type StageName } from '../streams/pipeline.js';
import { UsageError } from './context.js';

export type RunPart = StageName | 'connectors';
export const RUN_PARTS: readonly RunPart[] = ['connectors', ...STAGES];

/** `--stages connectors,analyze` → the parts, each checked against `allowed`. */
export function parseStages<T extends string = RunPart>(value: string | undefined, flag = '--stages', allowed: readonly T[] = RUN_PARTS as unknown as readonly T[]): T[] {
  if (value === undefined) return [...allowed];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(allowed as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`${flag}: unknown stage "${unknown[0] ?? value}"; stages are ${allowed.join(', ')}`);
  return names as T[];
}
