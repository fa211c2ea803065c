// Builders of the config fields every component shares, so each component can declare its own
// schema beside its implementation (ConnectorDefinition.config, a bus's or a store's config.ts)
// and src/config/ assembles them. Like secret.ts beside it, this imports only zod and core.
import { z } from 'zod';

/** A positive number of milliseconds, with its default; the description says the unit. */
export const duration = (what: string, fallback: number) =>
  z.number().int().positive().default(fallback).describe(`${what}, in milliseconds`);

/** A positive number of bytes, with its default; the description says the unit. */
export const bytes = (what: string, fallback: number) => z.number().int().positive().default(fallback).describe(`${what}, in bytes`);

/** A language écoute analyses. */
export const LangSchema = z.enum(['en', 'fr']);
