// Deeply nested JSON is refused before parsing, as a source failure, in a single linear pass that respects strings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { signatureMismatch } from '../../src/probes/signature.ts';
import { jsonDepthOver, MAX_JSON_DEPTH, parseJson } from '../../src/sources/parse.ts';
import { catalogWith, createHarness, type Harness } from '../helpers/app.ts';
import { pollRig, providerLike, type PollRig } from '../helpers/poll.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const nested = (levels: number, inner = '0') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

describe('jsonDepthOver', () => {
  it.each([
    ['flat', '{"a":1,"b":[1,2,3]}', null],
    ['at the limit', nested(MAX_JSON_DEPTH), null],
    ['one past the limit', nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH + 1],
    ['brackets inside a string', `{"text":"${'['.repeat(1000)}"}`, null],
    ['an escaped quote does not end the string', `{"t":"\\"${'{'.repeat(1000)}"}`, null],
    ['an escaped backslash ends before the quote', `["\\\\", ${nested(MAX_JSON_DEPTH)}]`, MAX_JSON_DEPTH + 1],
    ['objects count as arrays do', `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`, 65],
  ])('%s', (_name, text, expected) => {
    expect(jsonDepthOver(text)).toBe(expected);
  });

  it('parseJson refuses 900k levels before JSON.parse sees them', () => {
    expect(() => parseJson(nested(900_000))).toThrow(
      `not accepted: JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });

  it('a probe body nested too deep is a mismatch in words, not a parse', () => {
    expect(signatureMismatch({ statuses: [401], path: 'error.type' }, nested(50_000))).toBe(
      `the body nests JSON more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });
});

describe('a status page answering deeply nested JSON under the size cap', () => {
  let up: Upstream;
  let h: Harness;
  let rig: PollRig;
  beforeAll(async () => {
    up = await startUpstream({
      '/api/v2/summary.json': json(`{"page":${nested(800_000)}}`),
      '/api/v2/incidents.json': json(fixture('statuspage-incidents-anthropic.json')),
      '/api/v2/scheduled-maintenances.json': json('{"scheduled_maintenances":[]}'),
    });
    h = await createHarness({
      catalog: catalogWith([providerLike('anthropic', { format: 'statuspage', url: up.url })]),
    });
    rig = pollRig(h, { deadlineMs: 5000 });
  });
  afterAll(async () => {
    await rig.close();
    await h.close();
    await up.close();
  });

  it('is recorded as a parse failure of that document, and the other documents are still read', async () => {
    await rig.job.runCycle();
    const main = await h.store.checks.summary('anthropic', MAIN_DOCUMENT);
    expect(main.lastFailure).toMatchObject({
      outcome: 'parse',
      detail: `not accepted: JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
    expect((await h.store.checks.summary('anthropic', 'incidents')).lastOkAt).not.toBeNull();
    const j = (await h.app.inject({ url: '/api/v1/providers/anthropic' })).json();
    expect(j.level).toBe('unknown');
  });
});
