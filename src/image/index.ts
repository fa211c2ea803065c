// The perceived-versus-intended image (issue 13): analyzeImage and the types the reports, the API
// and the CLI use.
export { analyzeImage } from './analyze.js';
export { deriveIntended, intendedYaml } from './derive.js';
export { IntendedImageSchema, normalizeIntended, type IntendedImageConfig } from './config.js';
export { fieldLabel } from './labels.js';
export type * from './types.js';
