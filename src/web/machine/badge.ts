// View model of a shields-style SVG badge: "label | level", widths estimated for Verdana 11px, colours per level.
import { LEVEL_LABELS, type Level } from '../../domain.ts';
import { xmlSafe } from '../blocks/text.ts';

/** Background per level; white text on each has a contrast ratio of at least 4.5:1 (WCAG AA), as tests check. */
export const BADGE_COLOURS: Record<Level, string> = {
  operational: '#137333',
  maintenance: '#1a56b3',
  degraded: '#8a5300',
  partial_outage: '#b3400b',
  major_outage: '#b3141b',
  unknown: '#4d5562',
};
export const BADGE_LABEL_COLOUR = '#33373d';
export const BADGE_TEXT_COLOUR = '#ffffff';
const MAX_LABEL_CHARS = 48;
const PADDING_PX = 6;

/** Approximate advance widths of Verdana at 11px; `textLength` in the SVG makes the real font fit exactly. */
function charWidth(ch: string): number {
  if (' '.includes(ch)) return 3.9;
  if ("il.,:;!|'`".includes(ch)) return 3.1;
  if ('fjrt()[]{}/\\-'.includes(ch)) return 4.4;
  if ('mwMW%@'.includes(ch)) return 10.2;
  if (/[0-9]/.test(ch)) return 7;
  if (/[A-Z]/.test(ch)) return 7.6;
  return 6.8;
}

export const textWidth = (text: string): number => Math.ceil([...text].reduce((sum, ch) => sum + charWidth(ch), 0));

export type BadgeView = {
  title: string;
  label: string;
  value: string;
  width: number;
  labelWidth: number;
  valueWidth: number;
  labelX: number;
  valueX: number;
  labelTextLength: number;
  valueTextLength: number;
  labelColour: string;
  valueColour: string;
  textColour: string;
};

export function badgeView(label: string, level: Level): BadgeView {
  const cleanLabel = xmlSafe(label).replace(/\s+/g, ' ').trim();
  const shortLabel =
    [...cleanLabel].length > MAX_LABEL_CHARS
      ? `${[...cleanLabel].slice(0, MAX_LABEL_CHARS - 1).join('')}…`
      : cleanLabel;
  const value = LEVEL_LABELS[level];
  const labelTextLength = textWidth(shortLabel);
  const valueTextLength = textWidth(value);
  const labelWidth = labelTextLength + 2 * PADDING_PX;
  const valueWidth = valueTextLength + 2 * PADDING_PX;
  return {
    title: `${shortLabel}: ${value}`,
    label: shortLabel,
    value,
    width: labelWidth + valueWidth,
    labelWidth,
    valueWidth,
    labelX: labelWidth / 2,
    valueX: labelWidth + valueWidth / 2,
    labelTextLength,
    valueTextLength,
    labelColour: BADGE_LABEL_COLOUR,
    valueColour: BADGE_COLOURS[level],
    textColour: BADGE_TEXT_COLOUR,
  };
}
