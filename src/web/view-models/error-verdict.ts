// The assessment of one provider and error type, with the error type's texts filled in for the provider.
import type { ErrorType } from '../../catalog/schema.ts';
import { assessError, type ErrorAssessment } from '../../status/verdict.ts';
import type { ProviderData } from '../provider-data.ts';
import { fillText, placeholderValues } from './text.ts';

export function errorVerdict(data: ProviderData, errorType: ErrorType): ErrorAssessment {
  const values = placeholderValues(data.provider);
  return assessError(data.assessment, {
    providerName: data.provider.name,
    errorType,
    texts: {
      yourSide: fillText(errorType.yourSide, values),
      quiet: fillText(errorType.quietVerdict, values),
      probeHealthy: errorType.probeHealthy && fillText(errorType.probeHealthy, values),
    },
  });
}
