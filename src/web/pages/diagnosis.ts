// One diagnoser per catalog, built on the first paste, and the diagnosis as JSON: what the API and the MCP tool answer.
import type { Catalog } from '../../catalog/load.ts';
import { createDiagnoser, type Diagnoser } from '../../diagnose/match.ts';
import { toIso } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import { liveMatchView, OTHER_MATCHES } from './diagnose.ts';

const diagnosers = new WeakMap<Catalog, Diagnoser>();

/** Indexing the catalog costs start-up time and memory (most with a large catalog); it waits for the first paste. */
export function diagnoserFor(catalog: Catalog): Diagnoser {
  let diagnoser = diagnosers.get(catalog);
  if (!diagnoser) diagnosers.set(catalog, (diagnoser = createDiagnoser(catalog)));
  return diagnoser;
}

/** The redacted text's diagnosis: ranked matches, the best one with its provider's live level and verdict. */
export async function diagnosisJson(
  deps: Pick<WebDeps, 'catalog' | 'assessor' | 'config'>,
  text: string,
  provider: string,
  at: number,
) {
  const d = diagnoserFor(deps.catalog).diagnose(text, provider || undefined);
  const top = d.matches.slice(0, 1 + OTHER_MATCHES);
  return {
    generatedAt: toIso(at),
    redacted: d.redacted,
    redactions: d.redactions,
    providerKnown: d.providerKnown,
    matches: await Promise.all(
      top.map(async (m, i) => {
        const base = {
          provider: m.provider.slug,
          error: m.errorType.slug,
          score: m.score,
          reasons: m.reasons,
          html: `${deps.config.siteUrl}/${m.provider.slug}/error/${m.errorType.slug}`,
        };
        if (i > 0 || !d.providerKnown) return base;
        const live = liveMatchView(m, await deps.assessor.of(m.provider, at));
        return { ...base, level: live.status.level, verdict: live.verdict.verdict, verdictText: live.verdict.text };
      }),
    ),
  };
}
