// A brand's report schedules (`brands[].reports`): when (a cron expression in a time zone), over
// which period, in which formats, and where each report goes (a folder, email through SMTP, a
// webhook). Referenced from src/config/schema.ts by one line in BrandSchema.
import { Cron } from 'croner';
import { z } from 'zod';
import { secretFields } from '../core/config/secret.js';

export const REPORT_FORMATS = ['html', 'pdf', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const FormatSchema = z.enum(REPORT_FORMATS);

const FolderDeliverySchema = z
  .strictObject({
    type: z.literal('folder'),
    path: z.string().min(1).describe('Folder the report files are written to (created if missing), e.g. ./reports. Each file is named <brand>-<period>.<format>.'),
  })
  .describe('Writes each format of the report as a file in a folder.');

const SmtpSchema = z
  .strictObject({
    host: z.string().min(1).describe('SMTP server host name, e.g. smtp.example.com.'),
    port: z.number().int().min(1).max(65535).default(587).describe('SMTP server port (587 with STARTTLS, 465 with TLS from the start, 25 plain).'),
    secure: z.boolean().default(false).describe('TLS from the first byte (port 465); false: STARTTLS when the server offers it.'),
    user: z.string().min(1).optional().describe('SMTP user name, when the server asks for a login.'),
    ...secretFields('password', 'SMTP password'),
    timeout_ms: z.number().int().positive().default(30_000).describe('Give up on a server that does not answer within this, in milliseconds.'),
  })
  .describe('The SMTP server reports are sent through.');

const EmailDeliverySchema = z
  .strictObject({
    type: z.literal('email'),
    smtp: SmtpSchema,
    from: z.string().min(3).describe('Sender address, e.g. "écoute <reports@example.com>".'),
    to: z.array(z.string().min(3)).min(1).describe('Recipients of the report.'),
  })
  .describe('Sends the report by email: the HTML summary in the body, the PDF attached (and any other format of the schedule).');

const WebhookDeliverySchema = z
  .strictObject({
    type: z.literal('webhook'),
    url: z.url().describe('URL the report is POSTed to as JSON: the report\'s numbers, and each rendered format (base64 for the PDF).'),
    timeout_ms: z.number().int().positive().default(30_000).describe('Give up on a receiver that does not answer within this, in milliseconds.'),
    // Issue 14, security: the same guard as the alert notifiers.
    allow_private_networks: z
      .boolean()
      .default(true)
      .describe('Let the receiver be on loopback or a private network. Cloud metadata addresses are refused anyway, and redirects are never followed (the bearer token goes to this URL only). Set false to refuse every non-public address.'),
    ...secretFields('secret', 'webhook bearer token sent as Authorization: Bearer <token>'),
  })
  .describe('POSTs the report to a URL.');

export const ReportDeliverySchema = z.discriminatedUnion('type', [FolderDeliverySchema, EmailDeliverySchema, WebhookDeliverySchema]).describe('Where a scheduled report goes.');

export const ReportScheduleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_"')
      .describe('Identifier of the schedule within the brand, e.g. "weekly" (the delivery log keys on it).'),
    cron: z
      .string()
      .min(1)
      .refine(
        (c) => {
          try {
            new Cron(c, { paused: true });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'must be a cron expression (minute hour day-of-month month day-of-week), e.g. "0 8 * * 1" for Mondays at 08:00' },
      )
      .describe('When the report is made, as a cron expression in time_zone, e.g. "0 8 * * 1" (Mondays at 08:00).'),
    time_zone: z
      .string()
      .default('UTC')
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'must be an IANA time zone, e.g. Europe/Paris' },
      )
      .describe('IANA time zone the cron expression and the period boundaries are read in, e.g. Europe/Paris.'),
    period: z
      .enum(['day', 'week', 'month'])
      .describe('What the report covers: the last full day, ISO week (Monday to Sunday) or calendar month before the run, in time_zone.'),
    formats: z.array(FormatSchema).min(1).default(['pdf', 'html']).describe('Formats made: html, pdf, md, json.'),
    deliveries: z.array(ReportDeliverySchema).min(1).describe('Where each report goes (folder, email, webhook); every one gets it once.'),
  })
  .describe('A scheduled report of the brand.');

export const ReportSchedulesSchema = z.array(ReportScheduleSchema).optional().describe('Scheduled reports of the brand (see docs/reports.md).');

export type ReportSchedule = z.output<typeof ReportScheduleSchema>;
export type ReportDelivery = z.output<typeof ReportDeliverySchema>;
export type SmtpConfig = z.output<typeof SmtpSchema>;
