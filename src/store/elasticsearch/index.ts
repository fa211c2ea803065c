export { ElasticsearchMentionStore, type ElasticsearchMentionStoreOptions, type RefreshOnWrite } from './store.js';
export { SCHEMA_VERSION, aliasName, indexPattern, monthlyIndex, templateName } from './schema.js';
