// What a visitor may send as a report, as zod schemas: the HTML form (all strings) and its JSON twin. No free text.
import * as z from 'zod';
import { REPORT_CATEGORIES, REPORT_REGIONS, REPORT_SDKS } from '../../domain.ts';
import { IGNORED_REASONS } from '../../store/reports.ts';

/** Report bodies larger than this get 413: a report is a handful of short fields. */
export const REPORT_BODY_LIMIT_BYTES = 8 * 1024;
/** The form's hidden field that bots fill and people never see. */
export const HONEYPOT_FIELD = 'website';

const Category = z.enum(REPORT_CATEGORIES, { error: `one of ${REPORT_CATEGORIES.join(', ')}` });
const HttpStatus = z
  .number({ error: 'an HTTP status code from 100 to 599' })
  .int({ error: 'an HTTP status code from 100 to 599' })
  .min(100, { error: 'an HTTP status code from 100 to 599' })
  .max(599, { error: 'an HTTP status code from 100 to 599' });
/** A model identifier such as gpt-4o-mini, claude-3-5-haiku-latest or meta-llama/Llama-3.1-8B: no spaces, no prose. */
const Model = z
  .string({ error: 'a model name' })
  .trim()
  .min(1, { error: 'a model name' })
  .max(80, { error: 'a model name of at most 80 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,79}$/, {
    error: 'a model name such as gpt-4o-mini (letters, digits and . _ : / @ + -, at most 80)',
  });
const Sdk = z.enum(REPORT_SDKS, { error: `one of ${REPORT_SDKS.join(', ')}` });
const Region = z.enum(REPORT_REGIONS, { error: `one of ${REPORT_REGIONS.join(', ')}` });

export const ReportJson = z.strictObject({
  category: Category,
  httpStatus: HttpStatus.nullable().optional(),
  model: Model.nullable().optional(),
  sdk: Sdk.nullable().optional(),
  region: Region.nullable().optional(),
});
export type ReportJson = z.infer<typeof ReportJson>;

/** An empty form field means "not given". */
const optionalField = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

export const ReportForm = z.strictObject({
  category: Category,
  httpStatus: optionalField(z.coerce.number({ error: 'an HTTP status code from 100 to 599' }).pipe(HttpStatus)),
  model: optionalField(Model),
  sdk: optionalField(Sdk),
  region: optionalField(Region),
  /** The error page the form was on, to return to; empty on the dashboard. */
  page: optionalField(z.string().max(100, { error: 'an error page name' })),
  token: z
    .string({ error: 'the form token of the page (reload the page)' })
    .max(100, { error: 'the form token of the page' }),
  [HONEYPOT_FIELD]: z.string().max(1000).optional(),
});
export type ReportForm = z.infer<typeof ReportForm>;

/** What became of a report: counted, or stored uncounted for one of the store's reasons. */
export const REPORT_OUTCOMES = ['counted', ...IGNORED_REASONS] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/** `?reported=<category>&outcome=<outcome>`: where the form returns to; other parameters (campaign tags) are ignored. */
export const ReportedQuery = z.object({
  reported: z.enum(REPORT_CATEGORIES, { error: 'a report category' }).optional(),
  outcome: z.enum(REPORT_OUTCOMES, { error: `one of ${REPORT_OUTCOMES.join(', ')}` }).optional(),
});
export type ReportedQuery = z.infer<typeof ReportedQuery>;

/** The query string of a page answering a report ('' for the plain page): part of its URL and its cache key. */
export const reportedQueryString = (q: ReportedQuery): string =>
  q.reported ? `?reported=${q.reported}${q.outcome ? `&outcome=${q.outcome}` : ''}` : '';
