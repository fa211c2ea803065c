#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run on install by `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then((code) => {
  if (typeof code === 'number') process.exitCode = code;
});
