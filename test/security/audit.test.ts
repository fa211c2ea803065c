// The CI audit script's decision (scripts/audit.ts) on recorded `npm audit --json` outputs: a clean
// report passes as checked, a high or critical finding fails, a moderate one passes, and a registry
// that cannot answer (ENOTFOUND, a mirror's 405, no output) is reported as NOT checked — never as a
// pass. The whole script is also run with a fake `npm` first on PATH that prints each recording.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditOutcome, auditVerdict } from '../../scripts/audit.js';

const ROOT = resolve(import.meta.dirname, '../..');
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures/audit', name), 'utf8');

describe('audit verdict on recorded outputs', () => {
  it('a clean report is a pass, checked', () => {
    const verdict = auditVerdict(fixture('clean.json'), 0);
    expect(verdict.kind).toBe('pass');
    const out = auditOutcome(verdict);
    expect(out.exitCode).toBe(0);
    expect(out.lines.join('\n')).toMatch(/checked, no high or critical vulnerability/);
  });

  it('a moderate finding only is a pass (the bar is high or critical)', () => {
    const verdict = auditVerdict(fixture('moderate-only.json'), 1);
    expect(verdict.kind).toBe('pass');
    expect(auditOutcome(verdict).lines[0]).toMatch(/moderate 1/);
  });

  it('a high or critical finding fails and names the packages', () => {
    const verdict = auditVerdict(fixture('high.json'), 1);
    expect(verdict).toMatchObject({ kind: 'fail' });
    const out = auditOutcome(verdict);
    expect(out.exitCode).toBe(1);
    const text = out.lines.join('\n');
    expect(text).toMatch(/fast-jwt \(critical\): Improper Validation/);
    expect(text).toMatch(/@fastify\/jwt \(high\): fast-jwt/);
    expect(text).not.toMatch(/brace-expansion/);
  });

  it.each([
    ['offline-enotfound.json', /ENOTFOUND/],
    ['registry-405.json', /405/],
    ['empty-output.txt', /no JSON report/],
  ])('%s: NOT checked, a warning (exit 0), or a failure when required', (name, why) => {
    const verdict = auditVerdict(fixture(name), 1);
    expect(verdict.kind).toBe('unchecked');
    const out = auditOutcome(verdict);
    expect(out.exitCode).toBe(0);
    const text = out.lines.join('\n');
    expect(text).toMatch(/WARNING: npm audit was NOT checked/);
    expect(text).toMatch(why);
    expect(text).not.toMatch(/checked, no high/);
    expect(auditOutcome(verdict, true).exitCode).toBe(2);
  });
});

describe('the script, with a fake npm printing a recording', () => {
  const run = (name: string, npmExit: number, env: Record<string, string> = {}) => {
    const bin = mkdtempSync(join(tmpdir(), 'ecoute-audit-'));
    const npm = join(bin, 'npm');
    // The fake npm records its arguments, so the test sees the audit is of the production deps against the lock file.
    writeFileSync(npm, `#!/bin/sh\necho "$@" > "${bin}/args"\ncat "${join(import.meta.dirname, 'fixtures/audit', name)}"\nexit ${npmExit}\n`);
    chmodSync(npm, 0o755);
    const result = spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/ts-register.mjs'), join(ROOT, 'scripts/audit.ts')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ...env },
    });
    return { ...result, args: readFileSync(join(bin, 'args'), 'utf8').trim() };
  };

  it('audits the production dependencies against the lock file, and passes a clean report', () => {
    const r = run('clean.json', 0);
    expect(r.args).toBe('audit --omit=dev --package-lock-only --json');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/checked, no high or critical/);
  });

  it('exits 1 on a critical finding', () => {
    const r = run('high.json', 1);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED, 2 package\(s\)/);
  });

  it('an unreachable registry is a loud warning, not a pass', () => {
    const r = run('offline-enotfound.json', 1);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/NOT checked/);
    expect(r.stdout).not.toMatch(/checked, no high/);
    expect(run('offline-enotfound.json', 1, { ECOUTE_AUDIT_REQUIRED: '1' }).status).toBe(2);
  });
});
