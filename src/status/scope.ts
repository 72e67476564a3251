// API scope: whether a status-page component or incident concerns the provider's API or one of its products.
import type { ComponentScope } from '../domain.ts';

/** How a scope was decided: the catalog named the component, a word rule placed it, or nothing did. */
export type ScopeBasis = 'catalog' | 'rule' | 'default';
export type Placement = { scope: ComponentScope; basis: ScopeBasis };

/**
 * Components the catalog does not name are placed by these rules, first match wins: the component's own name is
 * tried, then its group's name. Product words come first, so "API Console" is the console. Words match whole words.
 * A component that no rule places counts for the API: we would rather show trouble than hide it.
 */
export const SCOPE_RULES: readonly { scope: ComponentScope; words: readonly string[] }[] = [
  {
    scope: 'product',
    words: [
      'console',
      'dashboard',
      'playground',
      'website',
      'homepage',
      'app',
      'web app',
      'web chat',
      'apps',
      'desktop',
      'mobile',
      'ios',
      'android',
      'login',
      'log in',
      'sign in',
      'sign-in',
      'signup',
      'billing',
      'docs',
      'documentation',
      'community',
      'forum',
      'support',
      'chatgpt',
      'claude.ai',
      'le chat',
      'sora',
      'voice mode',
    ],
  },
  {
    scope: 'api',
    words: ['api', 'apis', 'inference', 'completions', 'embeddings', 'endpoint', 'endpoints', 'gateway', 'model'],
  },
];

export const DEFAULT_SCOPE: ComponentScope = 'api';

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const RULE_PATTERNS = SCOPE_RULES.map((rule) => ({
  scope: rule.scope,
  pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${rule.words.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'iu'),
}));

const normalise = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The scope the word rules give a text, or null when none applies. */
export function ruleScope(text: string): ComponentScope | null {
  return RULE_PATTERNS.find((rule) => rule.pattern.test(text))?.scope ?? null;
}

export type ScopeCatalog = readonly { name: string; scope: ComponentScope }[];

/** Places one component: the catalog's name first, then the rules on its name, then on its group's name. */
export function placeComponent(
  catalog: ScopeCatalog,
  component: { name: string; groupName?: string | null },
): Placement {
  const byName = new Map(catalog.map((c) => [normalise(c.name), c.scope]));
  const named = byName.get(normalise(component.name));
  if (named) return { scope: named, basis: 'catalog' };
  const fromName = ruleScope(component.name);
  if (fromName) return { scope: fromName, basis: 'rule' };
  const group = component.groupName ? normalise(component.groupName) : null;
  const namedGroup = group ? byName.get(group) : undefined;
  if (namedGroup) return { scope: namedGroup, basis: 'catalog' };
  const fromGroup = component.groupName ? ruleScope(component.groupName) : null;
  if (fromGroup) return { scope: fromGroup, basis: 'rule' };
  return { scope: DEFAULT_SCOPE, basis: 'default' };
}

/**
 * Whom an open incident concerns: `api` when it touches an API component; `product` when every component it names
 * is a product; with no component named, its title decides: only a title with product words and no API word
 * makes it a product incident, anything else may concern the API.
 */
export function incidentScope(
  incident: { title: string; components: readonly { key?: string; name: string }[] },
  scopeOf: (component: { key?: string; name: string }) => ComponentScope,
): { scope: ComponentScope; byComponents: boolean } {
  if (incident.components.length > 0) {
    const api = incident.components.some((c) => scopeOf(c) === 'api');
    return { scope: api ? 'api' : 'product', byComponents: true };
  }
  const productWords = RULE_PATTERNS[0]!.pattern.test(incident.title);
  const apiWords = RULE_PATTERNS[1]!.pattern.test(incident.title);
  return { scope: productWords && !apiWords ? 'product' : 'api', byComponents: false };
}
