// The alert rules of a brand (`brands[].alerts` in the config). A rule watches one metric over
// fixed windows, against a robust baseline of previous windows; presets set the thresholds so that
// nobody has to know what a z-score is. A brand without rules gets DEFAULT_RULES (a balanced tone
// drop and volume spike). Resolved rules (preset applied, defaults filled) come from resolveRules().
import { z } from 'zod';
import { parseQuery } from '../query/index.js';
import type { AlertMetric, AlertWindow } from './types.js';

export const ALERT_METRICS = ['negative_share', 'mean_tone', 'volume', 'velocity', 'unique_authors'] as const satisfies readonly AlertMetric[];
export const ALERT_WINDOWS = ['15m', '1h', '1d'] as const satisfies readonly AlertWindow[];
export const PRESETS = ['sensitive', 'balanced', 'strict'] as const;
export type Preset = (typeof PRESETS)[number];
export type Direction = 'up' | 'down' | 'both';

export const WINDOW_MS: Record<AlertWindow, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '1d': 86_400_000 };

/** What each preset means, in the rule's own terms. */
export const PRESET_VALUES: Record<Preset, { threshold: number; min_mentions: number; for_windows: number; cooldown_minutes: number }> = {
  sensitive: { threshold: 2.5, min_mentions: 8, for_windows: 1, cooldown_minutes: 60 },
  balanced: { threshold: 3.5, min_mentions: 15, for_windows: 1, cooldown_minutes: 180 },
  strict: { threshold: 5, min_mentions: 30, for_windows: 2, cooldown_minutes: 720 },
};

/** Which way is bad, per metric, unless the rule says otherwise. */
export const DEFAULT_DIRECTION: Record<AlertMetric, Direction> = {
  negative_share: 'up',
  mean_tone: 'down',
  volume: 'up',
  velocity: 'up',
  unique_authors: 'up',
};

const query = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    try {
      parseQuery(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

export const AlertRuleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_"')
      .describe('Name of the rule, unique within the brand, e.g. "tone-drop" (alerts and `--rule` name it).'),
    metric: z
      .enum(ALERT_METRICS)
      .describe(
        'What is watched: negative_share (share of authors whose mentions are mostly negative), mean_tone (mean tone of the authors, -1..1), volume (mentions), velocity (mentions per hour in the window against the trailing hours), unique_authors.',
      ),
    window: z.enum(ALERT_WINDOWS).optional().describe("Window length: 15m, 1h or 1d (default: the brand's alerts.default_window)."),
    query: query.optional().describe('Only the brand\'s mentions matching this query (query language: source:, field:, lang:, words...); default all of them.'),
    preset: z.enum(PRESETS).optional().describe('sensitive, balanced or strict: sets threshold, min_mentions, for_windows and cooldown_minutes (each may still be given). Default balanced.'),
    direction: z.enum(['up', 'down', 'both']).optional().describe('Which change alerts: up, down or both (default: the bad way for the metric: tone down, everything else up).'),
    threshold: z.number().positive().optional().describe('How far from the baseline a window must be, in robust standard deviations (sensitive 2.5, balanced 3.5, strict 5).'),
    min_mentions: z.number().int().min(1).optional().describe('A window with fewer mentions (near-duplicates counted once) never fires (sensitive 8, balanced 15, strict 30).'),
    for_windows: z.number().int().min(1).max(24).optional().describe('Fire only after this many consecutive windows beyond the threshold (sensitive 1, balanced 1, strict 2).'),
    cooldown_minutes: z.number().int().min(0).optional().describe('After the metric is back in band, the rule stays quiet this long (sensitive 60, balanced 180, strict 720).'),
  })
  .describe('An alert rule: a metric over windows, against a robust baseline of previous windows.');

export const BrandAlertsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Evaluate the rules of this brand.'),
    rules: z
      .array(AlertRuleSchema)
      .optional()
      .describe('Rules of the brand. None given: a balanced "tone-drop" (mean_tone) and "volume-spike" (volume) rule on default_window.'),
    default_window: z
      .enum(ALERT_WINDOWS)
      .default('1d')
      .describe('Window of the default rules and of rules that name none. 1d suits a brand with tens of mentions a day; 1h or 15m a brand with hundreds an hour.'),
    grace_seconds: z
      .number()
      .int()
      .min(0)
      .default(120)
      .describe('A window is evaluated this long after it closes (by the mentions\' published time), so mentions that arrive a little late still count in it.'),
    baseline_windows: z
      .number()
      .int()
      .min(3)
      .optional()
      .describe('How many previous windows make the baseline (default: 28 for 1d, 168 for 1h, 672 for 15m, i.e. 4 weeks, one week, one week).'),
    resolve_windows: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('An incident resolves once each of its rules has been back in band for this many consecutive windows.'),
    incident_gap_minutes: z
      .number()
      .int()
      .min(0)
      .default(360)
      .describe('An alert within this long of an open or just-resolved incident of the brand joins it instead of opening another.'),
  })
  .superRefine((alerts, ctx) => {
    const seen = new Set<string>();
    (alerts.rules ?? []).forEach((rule, i) => {
      if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name "${rule.name}"` });
      seen.add(rule.name);
    });
  })
  .describe('Alerts on tone drops and volume spikes of the brand (docs/alerts.md).');

export type AlertRuleConfig = z.output<typeof AlertRuleSchema>;
export type BrandAlertsConfig = z.output<typeof BrandAlertsSchema>;

/** A rule with every value decided. */
export interface ResolvedRule {
  name: string;
  metric: AlertMetric;
  window: AlertWindow;
  windowMs: number;
  query?: string;
  preset: Preset;
  direction: Direction;
  threshold: number;
  minMentions: number;
  forWindows: number;
  cooldownMs: number;
  baselineWindows: number;
  resolveWindows: number;
}

export const DEFAULT_BRAND_ALERTS: BrandAlertsConfig = { enabled: true, default_window: '1d', grace_seconds: 120, resolve_windows: 2, incident_gap_minutes: 360 };

export function defaultRules(): AlertRuleConfig[] {
  return [
    { name: 'tone-drop', metric: 'mean_tone', preset: 'balanced' },
    { name: 'volume-spike', metric: 'volume', preset: 'balanced' },
  ];
}

const BASELINE_WINDOWS: Record<AlertWindow, number> = { '1d': 28, '1h': 168, '15m': 672 };

/** The brand's rules with presets applied; `override` (the backtest's --preset) replaces each rule's preset and its explicit values. */
export function resolveRules(alerts: BrandAlertsConfig | undefined, override?: { preset?: Preset }): ResolvedRule[] {
  const a = alerts ?? DEFAULT_BRAND_ALERTS;
  const rules = a.rules && a.rules.length > 0 ? a.rules : defaultRules();
  return rules.map((r) => {
    const preset = override?.preset ?? r.preset ?? 'balanced';
    const p = PRESET_VALUES[preset];
    const explicit = override?.preset === undefined;
    const window = r.window ?? a.default_window;
    return {
      name: r.name,
      metric: r.metric,
      window,
      windowMs: WINDOW_MS[window],
      ...(r.query !== undefined && { query: r.query }),
      preset,
      direction: r.direction ?? DEFAULT_DIRECTION[r.metric],
      threshold: (explicit && r.threshold) || p.threshold,
      minMentions: (explicit && r.min_mentions) || p.min_mentions,
      forWindows: (explicit && r.for_windows) || p.for_windows,
      cooldownMs: ((explicit ? r.cooldown_minutes : undefined) ?? p.cooldown_minutes) * 60_000,
      baselineWindows: a.baseline_windows ?? BASELINE_WINDOWS[window],
      resolveWindows: a.resolve_windows,
    };
  });
}
