// Every provider × error type of the catalog: at most 7 causes and 8 fixes, no two saying the same thing, and no
// sentence about a signal, SDK or page the provider does not have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTypesFor } from '../../src/catalog/load.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { errorPageView, type ErrorPageView } from '../../src/web/pages/error.ts';
import { segmentsText, type Segment } from '../../src/web/blocks/text.ts';
import { createHarness, type Harness } from '../helpers/app.ts';

let h: Harness;
let pages: { slug: string; error: string; view: ErrorPageView }[];

beforeAll(async () => {
  h = await createHarness();
  const assessor = createAssessor({ store: h.store, catalog: h.catalog, config: h.config });
  const reads = new Map(
    await Promise.all(h.catalog.providers.map(async (p) => [p.slug, await assessor.of(p, h.clock.now)] as const)),
  );
  pages = h.catalog.providers.flatMap((p) =>
    errorTypesFor(h.catalog, p).map((e) => ({
      slug: p.slug,
      error: e.slug,
      view: errorPageView(reads.get(p.slug)!, e, h.catalog, { token: 't' }),
    })),
  );
});
afterAll(() => h.close());

const STOP = new Set(
  (
    'a an the and or but of to in on at for from with by is are was were be been it its this that these those as ' +
    'your you yours not no if when than then so can may do does use used using only their they there which what'
  ).split(' '),
);
/** Content words of the prose (code and links left out), crudely stemmed: "spaces" and "space" are one word. */
const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/['’]s\b/g, '')
      .split(/[^a-z0-9_]+/)
      .filter((w) => w.length > 2 && !STOP.has(w))
      .map((w) => w.replace(/(ing|ed|es|s)$/, '').replace(/e$/, '')),
  );
/** A cause or fix as prose: its code spans and the provider's name left out, which every item may share. */
const prose = (segments: Segment[], name: string) =>
  segments
    .filter((s) => !s.code)
    .map((s) => s.text)
    .join('')
    .split(name)
    .join(' ');
/** Share of the shorter text's content words that the other one also has (0 below 3 shared words). */
function overlap(a: string, b: string): number {
  const [x, y] = [words(a), words(b)];
  const shared = [...x].filter((w) => y.has(w)).length;
  return shared < 3 ? 0 : shared / Math.min(x.size, y.size);
}

describe('causes and fixes', () => {
  it('are at most 7 causes and 8 fixes for every provider and error type', () => {
    const over = pages
      .filter((p) => p.view.causes.length > 7 || p.view.fixes.length > 8)
      .map((p) => `${p.slug}/${p.error}: ${p.view.causes.length} causes, ${p.view.fixes.length} fixes`);
    expect(over).toEqual([]);
    expect(pages.length).toBeGreaterThan(150);
  });

  it('never say the same thing twice within the causes or within the fixes', () => {
    const repeats: string[] = [];
    for (const { slug, error, view } of pages)
      for (const list of [view.causes, view.fixes].map((items) => items.map((i) => prose(i, view.provider.name))))
        list.forEach((a, i) =>
          list.slice(i + 1).forEach((b) => {
            if (overlap(a, b) >= 0.6) repeats.push(`${slug}/${error}:\n  ${a}\n  ${b}`);
          }),
        );
    expect(repeats).toEqual([]);
  });

  it('the overlap measure does flag the repetitions it is meant to catch', () => {
    expect(
      overlap(
        'The key is damaged: copied incompletely, or with quotes, spaces or a trailing newline around it.',
        'The key was copied with a stray space, quote or newline around it.',
      ),
    ).toBeGreaterThanOrEqual(0.6);
    expect(
      overlap('Sync the system clock (NTP) and retry.', 'Use the Message Batches API for work that can wait.'),
    ).toBe(0);
  });
});

/** Every sentence a visitor reads that comes from the catalog or the verdict. */
function sentencesOf(view: ErrorPageView): string[] {
  const texts = [
    view.answer.verdict?.text ?? '',
    ...view.explanation.map(segmentsText),
    view.note ? segmentsText(view.note) : '',
    ...view.causes.map(segmentsText),
    ...view.fixes.map(segmentsText),
    ...view.waiting.map((w) => segmentsText(w.text)),
    ...view.faq.flatMap((f) => [f.q, segmentsText(f.a)]),
    ...view.headers.map((x) => segmentsText(x.meaning)),
    ...[...view.signatures.own, ...view.signatures.generic].map((s) => (s.note ? segmentsText(s.note) : '')),
  ];
  return texts.flatMap((t) => t.split(/(?<=[.!?])\s+(?=[A-Z`{])/)).filter((s) => s.trim() !== '');
}

const NEGATION = /\b(no|not|never|cannot|without|nor)\b|n't\b/i;

describe('texts that fit', () => {
  it('mention no status page, probe, official SDK or text generation a provider does not have (negations aside)', () => {
    const misfits: string[] = [];
    for (const { slug, error, view } of pages) {
      const p = h.catalog.providerBySlug.get(slug)!;
      const rules = [
        { lacks: p.statusPage === null, what: 'status page', pattern: /status (page|feed)|three signals/i },
        { lacks: p.probe === null, what: 'probe', pattern: /\bprob(e|es|ing)\b|three signals/i },
        {
          lacks: !p.generatesText,
          what: 'text generation',
          pattern: /max_tokens|context window|tokens per minute|\bstream the response\b|\bmessages\b/i,
        },
        {
          lacks: !p.officialSdks,
          what: 'SDK',
          pattern: new RegExp(`\\b(the|official) SDKs\\b|official SDK\\b|${p.name}('s)? SDKs?\\b`, 'i'),
        },
      ];
      for (const sentence of sentencesOf(view))
        for (const rule of rules)
          if (rule.lacks && rule.pattern.test(sentence) && !NEGATION.test(sentence))
            misfits.push(`${slug}/${error} (no ${rule.what}): ${sentence}`);
    }
    expect(misfits).toEqual([]);
  });

  it('still tells the providers that have them about their probe and status page', () => {
    const openai = pages.find((p) => p.slug === 'openai' && p.error === 'auth-error')!;
    const writesonic = pages.find((p) => p.slug === 'writesonic' && p.error === 'auth-error')!;
    // The probe is explained once, in "What is this error?", and only where there is one.
    const explanation = (page: typeof openai) => page.view.explanation.map(segmentsText).join(' ');
    expect(explanation(openai)).toMatch(/OpenAI's own authentication service is failing: our live probe checks/);
    expect(explanation(writesonic)).not.toMatch(/probe/);
    expect(writesonic.view.fixes.map(segmentsText)).toContain(
      'Make sure the request sends `X-API-KEY: $WRITESONIC_API_KEY`.'.replace(/`/g, ''),
    );
  });

  it('give speech, image and embedding APIs their own words where the text-generation ones would not fit', () => {
    const fixes = (slug: string, error: string) =>
      pages.find((p) => p.slug === slug && p.error === error)!.view.fixes.map(segmentsText);
    expect(fixes('openai', 'timeout')).toContain(
      'Stream the response: tokens arrive as they are generated, so neither your client nor a proxy sees an idle connection.'.replace(
        /`/g,
        '',
      ),
    );
    expect(fixes('deepgram', 'timeout')).toContain(
      "Raise the client timeout for long jobs, or use Deepgram's asynchronous or callback mode where it has one.",
    );
    expect(fixes('deepgram', 'timeout').join(' ')).not.toMatch(/max_tokens|Stream the response/);
  });
});
