// One error type's result for one provider's assessment: the verdict, its report category's community summary and the
// error type's verdict texts filled in for the provider. Each is computed once per read of the provider.
import type { ErrorType, Provider } from '../catalog/schema.ts';
import { fillText, placeholderValues } from '../catalog/texts.ts';
import type { Assessment } from '../status/assess.ts';
import type { CommunityView } from '../status/community.ts';
import { assessError, categoryCommunity, type ErrorAssessment, type VerdictInput } from '../status/verdict.ts';

export type ErrorResult = {
  verdict: ErrorAssessment;
  /** The reports of the error type's category alone. */
  community: CommunityView;
  /** The error type's verdict texts with the provider's placeholders filled in. */
  texts: VerdictInput['texts'];
};

/** The result of one error type, computed from the assessment (pure). */
export function errorResult(provider: Provider, assessment: Assessment, errorType: ErrorType): ErrorResult {
  const values = placeholderValues(provider);
  const texts = {
    yourSide: fillText(errorType.yourSide, values),
    quiet: fillText(errorType.quietVerdict, values),
    ...(errorType.probeHealthy ? { probeHealthy: fillText(errorType.probeHealthy, values) } : {}),
  };
  const community = categoryCommunity(assessment, errorType.category);
  const verdict = assessError(assessment, { providerName: provider.name, errorType, texts, community });
  return { verdict, community, texts };
}

/** Each error type's result, computed on first use and kept with the read it came from. */
export function errorResults(provider: Provider, assessment: Assessment): (errorType: ErrorType) => ErrorResult {
  const kept = new Map<string, ErrorResult>();
  return (errorType) => {
    let result = kept.get(errorType.slug);
    if (!result) kept.set(errorType.slug, (result = errorResult(provider, assessment, errorType)));
    return result;
  };
}
