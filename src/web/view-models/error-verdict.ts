// The verdict for one provider and error type, from the provider's data as read for a page.
import type { ErrorType } from '../../catalog/schema.ts';
import { summariseCommunity } from '../../status/community.ts';
import { decideVerdict, type VerdictView } from '../../status/verdict.ts';
import type { ProviderData } from '../provider-data.ts';
import { fillText, placeholderValues } from './text.ts';

export function errorVerdict(data: ProviderData, errorType: ErrorType): VerdictView {
  const values = placeholderValues(data.provider);
  return decideVerdict({
    providerName: data.provider.name,
    errorType,
    texts: {
      yourSide: fillText(errorType.yourSide, values),
      quiet: fillText(errorType.quietVerdict, values),
      probeHealthy: errorType.probeHealthy && fillText(errorType.probeHealthy, values),
    },
    status: data.status,
    openIncidents: data.openIncidents.filter((i) => i.origin === 'official'),
    components: data.components ?? [],
    community: summariseCommunity(data.buckets, data.now, errorType.category, data.reporters),
  });
}
