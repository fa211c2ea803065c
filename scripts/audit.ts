// `npm audit` of the production dependencies, against the lock file, for CI (.ci/run runs it after
// `npm ci`). Fails (exit 1) on a known high or critical vulnerability of a production dependency.
// When the registry cannot answer (offline, a mirror without the audit endpoint), it says loudly
// that the audit was NOT checked and exits 0, or 2 with ECOUTE_AUDIT_REQUIRED=1: a registry that
// cannot be reached is a warning, never a pass reported as checked.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type AuditVerdict =
  | { kind: 'pass'; counts: Record<string, number>; dependencies: number }
  | { kind: 'fail'; findings: { name: string; severity: string; via: string[] }[] }
  | { kind: 'unchecked'; why: string };

const BLOCKING = new Set(['high', 'critical']);

interface AuditReport {
  vulnerabilities?: Record<string, { name?: string; severity?: string; via?: unknown[] }>;
  metadata?: { vulnerabilities?: Record<string, number>; dependencies?: { prod?: number; total?: number } };
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  statusCode?: number;
}

/** What an `npm audit --json` run means, from its exit status and its output. */
export function auditVerdict(stdout: string, exitCode: number | null): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return { kind: 'unchecked', why: `npm audit printed no JSON report (exit ${exitCode ?? 'signal'}): ${stdout.trim().slice(0, 200) || 'empty output'}` };
  }
  if (report === null || typeof report !== 'object') return { kind: 'unchecked', why: 'npm audit printed no report object' };
  // npm writes an error object (ENOTFOUND, ETIMEDOUT, a 4xx/5xx of the audit endpoint) instead of a report.
  if (report.error !== undefined || report.statusCode !== undefined || report.vulnerabilities === undefined || report.metadata?.vulnerabilities === undefined) {
    const what = [report.error?.code, report.statusCode, report.message ?? report.error?.summary].filter((x) => x !== undefined && x !== '').join(' ');
    return { kind: 'unchecked', why: `the registry's audit endpoint did not answer${what ? `: ${what}` : ''}` };
  }
  const findings = Object.entries(report.vulnerabilities)
    .filter(([, v]) => BLOCKING.has(String(v.severity)))
    .map(([name, v]) => ({
      name: v.name ?? name,
      severity: String(v.severity),
      via: (v.via ?? []).map((x) => (typeof x === 'string' ? x : String((x as { title?: string; url?: string }).title ?? (x as { url?: string }).url ?? ''))).filter(Boolean),
    }));
  if (findings.length > 0) return { kind: 'fail', findings };
  return { kind: 'pass', counts: report.metadata.vulnerabilities, dependencies: report.metadata.dependencies?.prod ?? report.metadata.dependencies?.total ?? 0 };
}

/** The lines to print and the exit code for a verdict. */
export function auditOutcome(verdict: AuditVerdict, required = false): { lines: string[]; exitCode: number } {
  switch (verdict.kind) {
    case 'pass': {
      const c = verdict.counts;
      return {
        lines: [`npm audit (production dependencies, lock file): checked, no high or critical vulnerability (critical ${c.critical ?? 0}, high ${c.high ?? 0}, moderate ${c.moderate ?? 0}, low ${c.low ?? 0})`],
        exitCode: 0,
      };
    }
    case 'fail':
      return {
        lines: [
          `npm audit (production dependencies, lock file): FAILED, ${verdict.findings.length} package(s) with a high or critical vulnerability:`,
          ...verdict.findings.map((f) => `  ${f.name} (${f.severity})${f.via.length ? `: ${f.via.join('; ')}` : ''}`),
          'Update them (npm audit fix --omit=dev, or a newer version in package.json) and commit the lock file.',
        ],
        exitCode: 1,
      };
    case 'unchecked':
      return {
        lines: [
          `WARNING: npm audit was NOT checked: ${verdict.why}.`,
          'WARNING: the production dependencies have NOT been audited for known vulnerabilities in this run.',
          required ? 'ECOUTE_AUDIT_REQUIRED is set: failing.' : 'Set ECOUTE_AUDIT_REQUIRED=1 to make this a failure.',
        ],
        exitCode: required ? 2 : 0,
      };
  }
}

function main(): void {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--package-lock-only', '--json'], { encoding: 'utf8', timeout: 120_000 });
  const verdict = run.error ? ({ kind: 'unchecked', why: `npm audit could not run: ${run.error.message}` } as const) : auditVerdict(run.stdout, run.status);
  const outcome = auditOutcome(verdict, process.env.ECOUTE_AUDIT_REQUIRED === '1');
  const write = outcome.exitCode === 0 && verdict.kind === 'pass' ? process.stdout : process.stderr;
  write.write(`${outcome.lines.join('\n')}\n`);
  process.exitCode = outcome.exitCode;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
