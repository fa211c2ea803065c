// Privacy (issue 14, H4): what écoute keeps about the people who wrote the mentions, and for how long.
import { Cron } from 'croner';
import { z } from 'zod';

const days = (what: string) => z.number().int().min(1).max(36_500).describe(what);

export const PrivacySchema = z
  .strictObject({
    keep_author_handles: z
      .boolean()
      .default(false)
      .describe(
        'Keep authors\' ids and names (handles) in mentions.analyzed and the store, beside authorKey. Off by default: only the keyed hash authorKey leaves the analyze stage. Handles are personal data under the GDPR: turn this on only with a lawful basis for storing them (README, Privacy).',
      ),
    retention_days: days(
      'How long a mention is kept, in days, counted from when it was published: older mentions are deleted from the store and the topics by the retention job. Absent: kept until erased.',
    ).optional(),
    retention_days_by_source: z
      .record(z.string().min(1), days('Retention of this source, in days.'))
      .default({})
      .describe('Retention per source (the mention\'s `source`), in days; overrides retention_days for that source.'),
    retention_schedule: z
      .string()
      .default('17 3 * * *')
      .refine((cron) => {
        try {
          new Cron(cron, { paused: true }).stop();
          return true;
        } catch {
          return false;
        }
      }, 'must be a cron expression (5 or 6 fields), e.g. "17 3 * * *"')
      .describe('When the retention job runs (cron, the process\'s time zone); it also runs once at start.'),
    suppression_refresh_ms: z
      .number()
      .int()
      .min(100)
      .default(5000)
      .describe(
        'Distributed mode: how often each worker re-reads the suppression list (erased authors) from Elasticsearch, in milliseconds. Embedded mode reads it on every check.',
      ),
  })
  .describe('What écoute keeps about the people who wrote the mentions, and for how long (README, Privacy; docs/privacy.md).');

export type PrivacyConfig = z.output<typeof PrivacySchema>;
export const PRIVACY_DEFAULTS: PrivacyConfig = { keep_author_handles: false, retention_days_by_source: {}, retention_schedule: '17 3 * * *', suppression_refresh_ms: 5000 };
