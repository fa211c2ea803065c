// `ecoute config validate` lists every problem in one run: schema errors, bad brand queries and
// unknown competitors together, a directory given as config, and webhook secrets the environment
// lacks (never printing a value).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, loadConfig } from '../../src/config/load.js';
import { environmentProblems } from '../../src/cli/commands/config.js';
import { workspace } from '../helpers/cli.js';

describe('config validate reports everything at once', () => {
  it('schema errors do not hide bad brand queries and unknown competitors', () => {
    const { problems, config } = checkConfig(`
bus: { type: pigeon }
brands:
  - { id: acme, name: Acme, query: 'acme AND (', competitors: [globex, nobody] }
  - { id: globex, query: globex }
  - { id: 7, name: Seven, query: 'seven', exclude: 'sentiment:negative' }
`, 'x.yaml');
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(/^bus\.type: must be one of "embedded"/),
      'brands[1].name: required',
      expect.stringMatching(/^brands\[2\]\.id: /),
      expect.stringMatching(/^brands\[0\]\.query: "\(" is never closed at column 10/),
      expect.stringMatching(/^brands\[2\]\.exclude: field "sentiment:" cannot be used in a brand query/),
      'brands[0].competitors[1]: unknown brand id "nobody"',
    ]);
  });

  it('a directory given as config says it is a directory (CONFIG_NOT_FOUND), not a bare EISDIR', () => {
    const ws = workspace();
    const dir = join(ws.dir, 'conf.d');
    mkdirSync(dir);
    expect(() => loadConfig(dir)).toThrow(expect.objectContaining({ code: 'CONFIG_NOT_FOUND', message: expect.stringContaining(`config file ${dir} is a directory, not a file`) }));
    const out = ws.run(['config', 'validate', '-c', dir]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('is a directory, not a file: give the YAML file itself');
    expect(out.stderr).not.toContain('EISDIR');
  });

  it('flags webhook secrets missing from the environment, unreadable or too short, without printing them', () => {
    const ws = workspace();
    const short = join(ws.dir, 'short.secret');
    writeFileSync(short, 'tiny-secret-v4l\n');
    const yaml = `data_dir: ${join(ws.dir, 'data')}
connectors:
  - { type: webhook, source: zendesk }
  - { type: webhook, source: crm, secret_env: CRM_HOOK_SECRET_FOR_TEST }
  - { type: webhook, source: survey, secret_file: ${join(ws.dir, 'missing.secret')} }
  - { type: webhook, source: shop, secret_file: ${short} }
  - { type: webhook, source: good, secret_env: GOOD_HOOK_SECRET_FOR_TEST }
  - { type: mastodon, instance: 'https://mastodon.example', hashtags: [acme], access_token_env: MASTO_TOKEN_FOR_TEST }
`;
    const env = { CRM_HOOK_SECRET_FOR_TEST: 'short-val', GOOD_HOOK_SECRET_FOR_TEST: 'a-long-enough-secret-value-0123456789' };
    const { config, data, problems } = checkConfig(yaml, 'x.yaml');
    expect(problems).toEqual([]);
    expect(config).toBeDefined();
    const found = environmentProblems(data, env);
    expect(found).toEqual([
      expect.stringMatching(/^connectors\[0\]: webhook "zendesk": environment variable ECOUTE_WEBHOOK_ZENDESK_SECRET is not set/),
      expect.stringMatching(/^connectors\[1\]: webhook "crm": environment variable CRM_HOOK_SECRET_FOR_TEST holds a secret shorter than 16 characters/),
      expect.stringMatching(/^connectors\[2\]: webhook "survey": file .*missing\.secret cannot be read/),
      expect.stringMatching(/^connectors\[3\]: webhook "shop": file .*short\.secret holds a secret shorter than 16 characters/),
      'connectors[5].access_token_env: environment variable MASTO_TOKEN_FOR_TEST is not set',
    ]);
    for (const line of found) {
      expect(line).not.toContain('short-val');
      expect(line).not.toContain('tiny-secret-v4l');
    }

    // The command: exit 2, every problem listed, a schema error beside them.
    writeFileSync(ws.config, `${yaml}brands: [{ id: acme, name: Acme, query: 'acme', competitors: [ghost] }]\nhttp: { port: 99999 }\n`);
    const out = ws.run(['config', 'validate']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('has 8 problems');
    expect(out.stderr).toContain('http.port:');
    expect(out.stderr).toContain('brands[0].competitors[0]: unknown brand id "ghost"');
    expect(out.stderr).toContain('connectors[0]: webhook "zendesk": environment variable ECOUTE_WEBHOOK_ZENDESK_SECRET is not set');
    expect(out.stderr).toContain('connectors[4]: webhook "good": environment variable GOOD_HOOK_SECRET_FOR_TEST is not set');
    expect(out.stderr).not.toContain('tiny-secret-v4l');
  });
});
