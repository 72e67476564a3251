// Which catalog texts fit a provider: a text that speaks of a status page, a probe, official SDKs or text generation
// is shown only to providers that have them (catalog `needs` and `lacks`).
import type { Capability, Fitted, Provider } from './schema.ts';

export const capabilitiesOf = (provider: Provider): Record<Capability, boolean> => ({
  statusPage: provider.statusPage !== null,
  probe: provider.probe !== null,
  sdk: provider.officialSdks,
  generation: provider.generatesText,
});

export function fits(text: Pick<Fitted, 'needs' | 'lacks'>, provider: Provider): boolean {
  const has = capabilitiesOf(provider);
  return text.needs.every((c) => has[c]) && !text.lacks.some((c) => has[c]);
}

/** The texts of a list that fit the provider, in order. */
export const fitting = <T extends Pick<Fitted, 'needs' | 'lacks'>>(list: readonly T[], provider: Provider): T[] =>
  list.filter((t) => fits(t, provider));

/** The first variant that fits the provider (the catalog guarantees the last fits everyone). */
export const firstFitting = (variants: readonly Fitted[], provider: Provider): string =>
  (variants.find((t) => fits(t, provider)) ?? variants.at(-1)!).text;
