// Shields.io endpoint JSON (schemaVersion 1): a provider's level, or one error's verdict, for shields.io/endpoint.
import * as z from 'zod';
import { LEVEL_LABELS, type Level, type Verdict } from '../../domain.ts';
import { BADGE_COLOURS } from './badge.ts';

/** Shields caches endpoint badges for at least 300 s; a lower value is ignored, so we ask for exactly that. */
export const SHIELDS_CACHE_SECONDS = 300;

/** Shields' documented endpoint schema (shields.io/badges/endpoint-badge), as zod. */
export const ShieldsEndpoint = z
  .object({
    schemaVersion: z.literal(1),
    label: z.string(),
    message: z.string().min(1),
    color: z.string().min(1).optional(),
    labelColor: z.string().min(1).optional(),
    isError: z.boolean().optional(),
    namedLogo: z.string().optional(),
    logoSvg: z.string().optional(),
    logoColor: z.string().optional(),
    logoSize: z.literal('auto').optional(),
    style: z.enum(['flat', 'flat-square', 'plastic', 'for-the-badge', 'social']).optional(),
    cacheSeconds: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((b) => b.namedLogo === undefined || b.logoSvg === undefined, 'namedLogo and logoSvg exclude each other');
export type ShieldsEndpoint = z.infer<typeof ShieldsEndpoint>;

/** Our badge colours as Shields takes hex colours: without the '#'. */
const shieldsColour = (hex: string): string => hex.replace(/^#/, '');

/** A provider's (or component's) level: the same words and colours as our SVG badge. */
export function levelShield(label: string, level: Level): ShieldsEndpoint {
  return {
    schemaVersion: 1,
    label,
    message: LEVEL_LABELS[level],
    color: shieldsColour(BADGE_COLOURS[level]),
    cacheSeconds: SHIELDS_CACHE_SECONDS,
  };
}

const VERDICT_COLOURS: Record<Verdict, string> = {
  your_side: BADGE_COLOURS.operational,
  provider_side: BADGE_COLOURS.partial_outage,
  inconclusive: BADGE_COLOURS.unknown,
};

/** One error type's verdict ("Likely on your side"…), coloured green when the provider is not the cause. */
export function verdictShield(label: string, verdict: Verdict, message: string): ShieldsEndpoint {
  return {
    schemaVersion: 1,
    label,
    message,
    color: shieldsColour(VERDICT_COLOURS[verdict]),
    cacheSeconds: SHIELDS_CACHE_SECONDS,
  };
}
