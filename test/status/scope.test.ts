// API scope: the catalog places the components real status pages list; the word rules place the rest, products first.
import { describe, expect, it } from 'vitest';
import { incidentScope, placeComponent, ruleScope } from '../../src/status/scope.ts';
import { realCatalog } from '../helpers/catalog.ts';
import { fixture } from '../helpers/upstream.ts';

const catalog = realCatalog();
const componentsOf = (slug: string) => catalog.providerBySlug.get(slug)!.components;

/** Component names (and groups) as the recorded status pages list them, and where a developer would put each. */
const RECORDED: { provider: string; names: { name: string; group?: string; scope: 'api' | 'product' }[] }[] = [
  {
    provider: 'anthropic',
    names: JSON.parse(fixture('statuspage-summary-anthropic.json')).components.map((c: { name: string }) => ({
      name: c.name,
      scope: c.name.startsWith('Claude API') ? 'api' : 'product',
    })),
  },
  {
    provider: 'openai',
    names: [
      { name: 'Chat Completions', group: 'APIs', scope: 'api' },
      { name: 'Responses', group: 'APIs', scope: 'api' },
      { name: 'Assistants', group: 'APIs', scope: 'api' },
      { name: 'Codex API', group: 'Codex', scope: 'api' },
      { name: 'Codex Web', group: 'Codex', scope: 'product' },
      { name: 'Codex in ChatGPT Desktop', scope: 'product' },
      { name: 'Voice mode', scope: 'product' },
      { name: 'Deep Research', group: 'ChatGPT', scope: 'product' },
      { name: 'Login', group: 'ChatGPT', scope: 'product' },
    ],
  },
  {
    provider: 'perplexity',
    names: [
      { name: 'API', scope: 'api' },
      { name: 'Sonar API', group: 'API', scope: 'api' },
      { name: 'Search API', group: 'API', scope: 'api' },
      { name: 'Website', scope: 'product' },
      { name: 'Comet', scope: 'product' },
    ],
  },
  {
    provider: 'hugging-face',
    names: [
      { name: 'Inference Providers', scope: 'api' },
      { name: 'Inference Endpoints', scope: 'api' },
      { name: 'huggingface.co', scope: 'product' },
      { name: 'Git Hosting and Serving', scope: 'product' },
    ],
  },
  {
    provider: 'moonshot',
    names: [
      { name: 'API Service', group: 'API 服务', scope: 'api' },
      { name: '开放平台 Open API', group: 'API 服务', scope: 'api' },
      { name: '模型 Model', scope: 'api' },
      { name: 'Legacy Gateway', scope: 'api' },
    ],
  },
  { provider: 'xai', names: [{ name: 'API Console', scope: 'product' }] },
  { provider: 'groq', names: [{ name: 'Console', scope: 'product' }] },
];

describe('component placement', () => {
  it.each(RECORDED)(
    '$provider: every recorded component lands where a developer would put it',
    ({ provider, names }) => {
      for (const c of names)
        expect(placeComponent(componentsOf(provider), { name: c.name, groupName: c.group ?? null }).scope, c.name).toBe(
          c.scope,
        );
    },
  );

  it('gives every provider in the catalog at least one API component', () => {
    for (const p of catalog.providers)
      expect(
        p.components.some((c) => c.scope === 'api'),
        p.slug,
      ).toBe(true);
  });

  it('says how it decided: the catalog, a word rule, or the default (the API)', () => {
    const anthropic = componentsOf('anthropic');
    expect(placeComponent(anthropic, { name: 'CLAUDE.AI ' })).toEqual({ scope: 'product', basis: 'catalog' });
    expect(placeComponent(anthropic, { name: 'Claude Mobile App' })).toEqual({ scope: 'product', basis: 'rule' });
    expect(placeComponent(anthropic, { name: 'Batch processing' })).toEqual({ scope: 'api', basis: 'default' });
    expect(placeComponent(anthropic, { name: 'Files', groupName: 'Developer Platform' })).toEqual({
      scope: 'api',
      basis: 'default',
    });
  });

  it('matches whole words only, product words before API words', () => {
    expect(ruleScope('Webhooks')).toBeNull();
    expect(ruleScope('Apps SDK')).toBe('product');
    expect(ruleScope('API Console')).toBe('product');
    expect(ruleScope('Rapid inference')).toBe('api');
    expect(ruleScope('Capital')).toBeNull();
  });
});

describe('incident placement', () => {
  const scopeOf = (c: { name: string }) => placeComponent(componentsOf('anthropic'), c).scope;

  it('follows the components it names: any API component makes it an API incident', () => {
    const both = [{ name: 'claude.ai' }, { name: 'Claude API (api.anthropic.com)' }];
    expect(incidentScope({ title: 'Errors', components: both }, scopeOf)).toEqual({ scope: 'api', byComponents: true });
    expect(incidentScope({ title: 'API errors', components: [{ name: 'claude.ai' }] }, scopeOf)).toEqual({
      scope: 'product',
      byComponents: true,
    });
  });

  it('without components, only a title of product words alone makes it a product incident', () => {
    expect(incidentScope({ title: 'Console maintenance', components: [] }, scopeOf).scope).toBe('product');
    expect(incidentScope({ title: 'Console and API degraded', components: [] }, scopeOf).scope).toBe('api');
    expect(incidentScope({ title: 'Elevated errors', components: [] }, scopeOf).scope).toBe('api');
  });
});
