// The verdict of every error type under each combination of the three signals.
import { describe, expect, it } from 'vitest';
import type { ErrorType } from '../../src/catalog/schema.ts';
import { summariseCommunity } from '../../src/status/community.ts';
import { decideVerdict, type IncidentLike } from '../../src/status/verdict.ts';
import type { Level } from '../../src/domain.ts';
import { realCatalog } from '../helpers/catalog.ts';
import { community, NOW, official, status, type CommunityCase, type OfficialCase, type ProbeCase } from './signals.ts';

const catalog = realCatalog();
const type = (slug: string): ErrorType => catalog.errorTypeBySlug.get(slug)!;

function verdictOf(
  slug: string,
  o: OfficialCase,
  p: ProbeCase,
  c: CommunityCase = 'quiet',
  incidents: IncidentLike[] = [],
  components: { name: string; level: Level }[] = [],
) {
  const t = type(slug);
  const input = official(o);
  return decideVerdict({
    providerName: 'Acme',
    errorType: t,
    texts: { yourSide: `YOURS(${t.slug})`, quiet: `QUIET(${t.slug})` },
    status: status(o, p, c, t.category),
    openIncidents: incidents,
    components: components.length > 0 ? components : input.components,
    community:
      c === 'spike'
        ? summariseCommunity(community('spike', t.category).buckets, NOW, t.category)
        : summariseCommunity([], NOW, t.category),
  });
}

const incident = (title: string, kind: IncidentLike['kind'] = 'incident'): IncidentLike => ({
  title,
  kind,
  startedAt: NOW - 600_000,
  updates: [],
  components: [],
});

describe('every error type', () => {
  it.each(catalog.errorTypes.map((t) => t.slug))('%s: no fresh signal at all is inconclusive, saying so', (slug) => {
    const v = verdictOf(slug, 'stale', 'stale');
    expect(v.verdict).toBe('inconclusive');
    expect(v.text).toContain('no fresh evidence');
  });

  it.each(catalog.errorTypes.map((t) => t.slug))(
    "%s: a spike of reports in its category puts it on the provider's side",
    (slug) => {
      const v = verdictOf(slug, 'fresh-ok', 'healthy', 'spike');
      expect(v.verdict).toBe('provider_side');
      expect(v.evidence.some((r) => r.signal === 'community')).toBe(true);
    },
  );

  it.each(catalog.errorTypes.map((t) => t.slug))(
    "%s: an incident in its own words puts it on the provider's side, unless the probe proves it wrong",
    (slug) => {
      const v = verdictOf(slug, 'fresh-incident', 'healthy', 'quiet', [
        incident(`Investigating ${type(slug).incidentKeywords[0]} problems`),
      ]);
      // For the auth error, a fresh normal rejection of our invalid key outweighs words that merely match.
      const outweighed = type(slug).probeProves && type(slug).usualSide === 'yours';
      expect(v.verdict).toBe(outweighed ? 'your_side' : 'provider_side');
      expect(v.waiting).toBe(outweighed ? 'wontHelp' : 'helps');
      const evidence = v.evidence.find((r) => r.text.includes('Acme reports an open incident'))!;
      expect(evidence.text).toContain(outweighed ? "Our live probe's normal answer outweighs it." : 'since');
    },
  );
});

describe("errors usually on the visitor's side", () => {
  const yours = catalog.errorTypes.filter((t) => t.usualSide === 'yours').map((t) => t.slug);

  it('are auth, permission, rate limit, quota, model and request errors', () => {
    expect(yours).toEqual([
      'auth-error',
      'permission-denied',
      'rate-limit',
      'quota-exceeded',
      'model-not-found',
      'invalid-request',
    ]);
  });

  it.each(yours)(
    '%s: a fresh status page with no related incident says "your side" with the type\'s own words',
    (slug) => {
      const v = verdictOf(slug, 'fresh-ok', 'absent');
      expect(v.verdict).toBe('your_side');
      expect(v.text).toContain(`YOURS(${slug})`);
      expect(v.evidence.every((r) => r.signal === 'official')).toBe(true);
    },
  );

  it.each(yours)('%s: an unrelated incident does not move it to the provider', (slug) => {
    const v = verdictOf(slug, 'fresh-incident', 'absent', 'quiet', [incident('Video generation delayed')]);
    expect(v.verdict).toBe('your_side');
  });

  it.each(yours)('%s: a healthy probe alone is enough when there is no status page', (slug) => {
    expect(verdictOf(slug, 'absent', 'healthy').verdict).toBe('your_side');
  });
});

describe("errors usually on the provider's side", () => {
  const theirs = ['server-error', 'service-unavailable', 'overloaded'];

  it.each(theirs)('%s: any open incident counts, whatever its words', (slug) => {
    const v = verdictOf(slug, 'fresh-incident', 'healthy', 'quiet', [incident('Something is wrong')]);
    expect(v.verdict).toBe('provider_side');
  });

  it.each(theirs)('%s: a component in trouble counts without an incident', (slug) => {
    const v = verdictOf(slug, 'fresh-component', 'healthy');
    expect(v.verdict).toBe('provider_side');
    expect(v.evidence[0]!.text).toBe("Acme's status page lists API as Partial Outage.");
  });

  it.each(theirs)('%s: failing probes count', (slug) => {
    const v = verdictOf(slug, 'absent', 'failing');
    expect(v.verdict).toBe('provider_side');
    expect(v.evidence[0]!.signal).toBe('probe');
  });

  it.each(theirs)("%s: with everything healthy it is inconclusive in the type's own words", (slug) => {
    const v = verdictOf(slug, 'fresh-ok', 'healthy');
    expect([v.verdict, v.text]).toEqual(['inconclusive', `QUIET(${slug})`]);
  });

  it('service-unavailable: maintenance in progress counts, since it is in its keywords', () => {
    const maintenance = incident('Scheduled maintenance of the API', 'maintenance');
    const t = type('service-unavailable');
    const withMaintenance = {
      ...official('fresh-ok'),
      openIncidents: [{ ...maintenance, impact: 'maintenance' as const, state: 'in_progress' }],
    };
    const v = decideVerdict({
      providerName: 'Acme',
      errorType: t,
      texts: { yourSide: 'YOURS', quiet: 'QUIET' },
      status: status('fresh-ok', 'healthy', 'quiet', t.category, withMaintenance),
      openIncidents: [maintenance],
      components: official('fresh-ok').components,
      community: summariseCommunity([], NOW, t.category),
    });
    expect(v.verdict).toBe('provider_side');
    expect(v.evidence[0]!.text).toContain('has maintenance in progress');
  });
});

describe('the live probe', () => {
  it('auth-error: a healthy probe says "your side", naming the probe', () => {
    const v = verdictOf('auth-error', 'absent', 'healthy');
    expect(v.verdict).toBe('your_side');
    expect(v.text).toContain('answers our live probe normally');
    expect(v.evidence[0]!.signal).toBe('probe');
  });

  it('auth-error and timeout: failing or slow probes put it on the provider', () => {
    expect(verdictOf('auth-error', 'fresh-ok', 'failing').verdict).toBe('provider_side');
    expect(verdictOf('timeout', 'fresh-ok', 'slow').verdict).toBe('provider_side');
  });

  it('connection-error: a healthy probe means the API is reachable, so your side', () => {
    const v = verdictOf('connection-error', 'fresh-ok', 'healthy');
    expect([v.verdict, v.text.includes('YOURS(connection-error)')]).toEqual(['your_side', true]);
  });

  it('overloaded: a healthy auth probe proves nothing about capacity', () => {
    expect(verdictOf('overloaded', 'absent', 'healthy').verdict).toBe('inconclusive');
  });

  it('rate-limit: failing probes are not evidence about your limits', () => {
    expect(verdictOf('rate-limit', 'fresh-ok', 'failing').verdict).toBe('your_side');
  });

  it('timeout: healthy probe and page leave it inconclusive in its own words', () => {
    expect(verdictOf('timeout', 'fresh-ok', 'healthy').text).toBe('QUIET(timeout)');
  });
});

describe('keywords in components', () => {
  it('auth-error: a login component in trouble counts, another component does not', () => {
    expect(
      verdictOf('auth-error', 'fresh-component', 'absent', 'quiet', [], [{ name: 'Login', level: 'degraded' }]).verdict,
    ).toBe('provider_side');
    expect(
      verdictOf(
        'auth-error',
        'fresh-component',
        'absent',
        'quiet',
        [],
        [{ name: 'Image generation', level: 'degraded' }],
      ).verdict,
    ).toBe('your_side');
  });

  it('stale official data is ignored: an incident read long ago is no evidence', () => {
    const v = verdictOf('server-error', 'stale', 'absent', 'quiet', [incident('Elevated errors')]);
    expect(v.verdict).toBe('inconclusive');
  });
});
