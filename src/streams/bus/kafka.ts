// The Kafka bus lives in kafka/ (one file per job, see kafka/index.ts); this path stays its public
// entry, beside embedded.ts.
export { KafkaBus, type KafkaBusOptions } from './kafka/index.js';
