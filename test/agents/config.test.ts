// The probe agent's environment: every missing or bad variable named on its own line in words, its key never shown.
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../src/agents/config.ts';
import { ConfigError } from '../../src/config.ts';

const KEY = 'k'.repeat(32);
const problems = (env: Record<string, string>): string[] => {
  try {
    parseAgentConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the environment was accepted');
};

describe('the agent configuration', () => {
  it('names each missing setting with what it expects, not a type error', () => {
    expect(problems({})).toEqual([
      'AGENT_REGION="": expected a region name of lowercase letters, digits and dashes (e.g. us-east)',
      'CENTRAL_URL="": expected the site’s absolute http(s) URL, such as https://status.example.com',
      'AGENT_KEY="": expected this region\'s key from the site\'s AGENT_KEYS (at least 32 characters)',
    ]);
  });

  it('hides a key that is too short and names a bad region', () => {
    const lines = problems({ AGENT_REGION: 'EU West', CENTRAL_URL: 'https://status.example.com', AGENT_KEY: 'secret' });
    expect(lines).toEqual([
      'AGENT_REGION="EU West": expected a region name of lowercase letters, digits and dashes (e.g. us-east)',
      "AGENT_KEY=(hidden): expected this region's key from the site's AGENT_KEYS (at least 32 characters)",
    ]);
    expect(lines.join('\n')).not.toContain('secret');
  });

  it('takes a complete environment, with the buffer named after the region', () => {
    const config = parseAgentConfig({
      AGENT_REGION: 'eu-west',
      CENTRAL_URL: 'https://status.example.com/',
      AGENT_KEY: KEY,
    });
    expect(config).toMatchObject({ region: 'eu-west', centralUrl: 'https://status.example.com', key: KEY });
    expect(config.bufferFile).toBe('data/agent-eu-west.jsonl');
    expect(Object.isFrozen(config)).toBe(true);
  });
});
