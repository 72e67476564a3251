// Catalog text for one provider: its `{placeholder}`s (validated at catalog load) filled with the provider's values.
import type { Provider } from './schema.ts';

export function placeholderValues(provider: Provider): Record<string, string> {
  return {
    name: provider.name,
    apiKeyEnv: provider.apiKeyEnv,
    keysUrl: provider.keysUrl,
    authHeader: provider.auth.header,
    keyPrefix: provider.auth.keyPrefix ?? '',
    apiBase: provider.apiBase ?? '',
  };
}

/** Replaces `{placeholder}`s with the provider's values. */
export function fillText(text: string, values: Record<string, string>): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (whole, key: string) => values[key] ?? whole);
}
