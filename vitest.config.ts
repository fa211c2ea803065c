import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // SQLite files and child processes: keep files isolated, run them in forks.
    pool: 'forks',
    // Two files at a time even on two cores: the long files (test/faults/, the end-to-end runs) spend
    // most of their time waiting on real processes (an Elasticsearch restart, a 60 s outage, a 30 s
    // SIGSTOP), so a second file uses the idle core. Vitest's default is one file on two cores.
    maxWorkers: 2,
  },
});
