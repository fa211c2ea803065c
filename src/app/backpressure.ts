// Issue 15 (threads15): the lag the connectors' backpressure reads (src/connectors/backpressure.ts):
// what the sources published and the analyze and index stages have not handled yet, by the stages'
// own consumer groups, on whichever bus the config names.
import { Backpressure } from '../connectors/backpressure.js';
import type { BackpressureConfig } from '../connectors/config.js';
import { ANALYZE_GROUP } from '../streams/analyze.js';
import type { Bus, Topic } from '../streams/bus/types.js';
import { INDEX_GROUP } from '../streams/index-stage.js';

async function topicLag(bus: Bus, topic: Topic, group: string): Promise<number> {
  const [end, committed] = await Promise.all([bus.endOffsets(topic), bus.committedOffsets(topic, group)]);
  let lag = 0;
  for (const [partition, next] of Object.entries(end)) lag += Math.max(0, next - (committed[Number(partition)] ?? 0));
  return lag;
}

/** Records on mentions.raw not analyzed yet plus records on mentions.analyzed not indexed yet. */
export async function pipelineLag(bus: Bus): Promise<number> {
  const [raw, analyzed] = await Promise.all([topicLag(bus, 'mentions.raw', ANALYZE_GROUP), topicLag(bus, 'mentions.analyzed', INDEX_GROUP)]);
  return raw + analyzed;
}

export function pipelineBackpressure(bus: Bus, config: BackpressureConfig): Backpressure {
  return new Backpressure(() => pipelineLag(bus), config);
}
