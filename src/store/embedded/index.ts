export { EmbeddedMentionStore, type EmbeddedMentionStoreOptions } from './store.js';
export { SCHEMA_VERSION } from './schema.js';
