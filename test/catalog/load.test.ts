// The catalog: the real files are valid and complete; a broken file names the file, the entry and the field.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../../src/catalog/load.ts';

const real = () => loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });
const providersJson = () => JSON.parse(readFileSync('data/providers.json', 'utf8')) as Record<string, unknown>[];

function loadWith(providers: unknown, errors?: unknown): CatalogError {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  writeFileSync(join(dir, 'providers.json'), JSON.stringify(providers));
  writeFileSync(
    join(dir, 'errors.json'),
    errors === undefined ? readFileSync('data/errors.json') : JSON.stringify(errors),
  );
  try {
    loadCatalog({ providersFile: join(dir, 'providers.json'), errorsFile: join(dir, 'errors.json') });
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }
  throw new Error('the catalog loaded although it is invalid');
}

describe('the real catalog', () => {
  const catalog = real();

  it('has every seed provider and at least 15 more', () => {
    const slugs = catalog.providers.map((p) => p.slug);
    for (const seed of ['openai', 'anthropic', 'deepseek', 'writesonic', 'sensetime-sensechat'])
      expect(slugs).toContain(seed);
    for (const more of [
      'google-gemini',
      'mistral',
      'cohere',
      'groq',
      'perplexity',
      'xai',
      'together-ai',
      'fireworks-ai',
      'openrouter',
      'hugging-face',
      'replicate',
      'azure-openai',
      'aws-bedrock',
      'moonshot',
      'zhipu-glm',
    ]) {
      expect(slugs).toContain(more);
    }
    expect(slugs.length).toBeGreaterThanOrEqual(20);
  });

  it('has at least 40 providers, each with evidence of where its source and probe were verified', () => {
    expect(catalog.providers.length).toBeGreaterThanOrEqual(40);
    for (const p of catalog.providers) {
      expect(p.evidence.length, p.slug).toBeGreaterThan(0);
      for (const e of p.evidence) {
        expect(e.url, p.slug).toMatch(/^https:\/\//);
        expect(Date.parse(`${e.seen}T00:00:00Z`), p.slug).toBeLessThanOrEqual(Date.now());
      }
    }
  });

  it('gives each provider its own key variable, key page and auth header', () => {
    const envs = new Set(catalog.providers.map((p) => p.apiKeyEnv));
    expect(envs.size).toBe(catalog.providers.length);
    for (const p of catalog.providers) {
      expect(p.keysUrl).toMatch(/^https:\/\//);
      expect(p.components.length).toBeGreaterThan(0);
    }
    expect(catalog.providerBySlug.get('anthropic')!.auth.header).toMatch(/^x-api-key:/);
    expect(catalog.providerBySlug.get('google-gemini')!.auth.header).toMatch(/^x-goog-api-key:/);
    expect(catalog.providerBySlug.get('openai')!.auth.header).toMatch(/^Authorization: Bearer/);
  });

  it('uses the status pages of the upstream reference, or null where none is known', () => {
    const page = (slug: string) => catalog.providerBySlug.get(slug)!.statusPage;
    expect(page('openai')).toMatchObject({ format: 'incidentio', url: 'https://status.openai.com' });
    expect(page('anthropic')).toMatchObject({
      format: 'statuspage',
      url: 'https://anthropic.statuspage.io',
      pageUrl: 'https://status.claude.com',
    });
    expect(page('perplexity')).toMatchObject({ format: 'instatus' });
    expect(page('hugging-face')).toMatchObject({ format: 'betterstack' });
    expect(page('writesonic')).toBeNull();
    expect(page('sensetime-sensechat')).toBeNull();
  });

  it('starts with the auth-error type', () => {
    expect(catalog.errorTypes[0]!.slug).toBe('auth-error');
  });
});

describe('an invalid catalog', () => {
  it('names the file, the entry and the field', () => {
    const providers = providersJson();
    providers[1] = { ...providers[1], keysUrl: 'http://insecure.example.com' };
    const error = loadWith(providers);
    expect(error.message).toMatch(
      /^Invalid catalog file .*providers\.json:\n {2}entry 1 \("anthropic"\), field keysUrl: an https:\/\/ URL$/,
    );
  });

  it('reports a missing field and an unknown one', () => {
    const providers = providersJson();
    const { name: _name, ...nameless } = providers[0]!;
    providers[0] = { ...nameless, colour: 'green' };
    const error = loadWith(providers);
    expect(error.problems.some((p) => p.startsWith('entry 0 ("openai"), field name:'))).toBe(true);
    expect(error.problems.some((p) => p.includes('entry 0 ("openai")') && p.includes('colour'))).toBe(true);
  });

  it("checks each piece of evidence given, with a date it was seen, and lets an operator's own file leave it out", () => {
    const providers = providersJson();
    const { evidence: _evidence, ...unproven } = providers[3]!;
    providers[3] = unproven;
    providers[4] = { ...providers[4], evidence: [{ url: 'https://status.example.com', seen: 'last week' }] };
    const problems = loadWith(providers).problems;
    expect(problems.some((p) => p.includes('entry 3 '))).toBe(false);
    expect(
      problems.some((p) =>
        p.startsWith('entry 4 ("sensetime-sensechat"), field evidence.0.seen: a date as YYYY-MM-DD'),
      ),
    ).toBe(true);
  });

  it('rejects duplicate slugs, reserved slugs and overrides of unknown error types', () => {
    const providers = providersJson();
    expect(loadWith([...providers, providers[0]]).problems).toContain('slug "openai" is used twice');
    expect(loadWith([{ ...providers[0], slug: 'api' }]).problems[0]).toBe(
      'entry 0 ("api"), field slug: a slug that is not a reserved path of the site',
    );
    expect(loadWith([{ ...providers[0], errors: { 'no-such-error': {} } }]).problems[0]).toMatch(
      /field errors\.no-such-error: no such error type/,
    );
  });

  it('rejects a text with an unknown placeholder in the error types', () => {
    const errors = JSON.parse(readFileSync('data/errors.json', 'utf8')) as Record<string, unknown>[];
    errors[0] = { ...errors[0], summary: 'Broken for {providerName}' };
    const error = loadWith(providersJson(), errors);
    expect(error.file).toMatch(/errors\.json$/);
    expect(error.problems[0]).toMatch(/^entry 0 \("auth-error"\), field summary: unknown placeholder \{providerName\}/);
  });

  it('reports a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    writeFileSync(join(dir, 'p.json'), '[{"slug": ');
    expect(() => loadCatalog({ providersFile: join(dir, 'p.json'), errorsFile: 'data/errors.json' })).toThrow(
      /p\.json:\n {2}is not valid JSON/,
    );
  });

  it('stops the server process, which names the file it was pointed at with PROVIDERS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const providers = providersJson();
    providers[2] = { ...providers[2], statusPage: { format: 'carrier-pigeon', url: 'https://x.example' } };
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(providers));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PROVIDERS_FILE: join(dir, 'broken.json'), DATABASE_PATH: join(dir, 'db.sqlite') },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain(`Invalid catalog file ${join(dir, 'broken.json')}:`);
    expect(run.stderr).toMatch(/entry 2 \("deepseek"\), field statusPage\.format: /);
  });
});
