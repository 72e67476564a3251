// What the web layer is built from: passed explicitly to every route plugin.
import type { Catalog } from '../../catalog/load.ts';
import type { Config } from '../../config.ts';
import type { Sender } from '../../notify/send.ts';
import type { ReadinessCheck } from '../../ops/readiness.ts';
import type { ReportRecorder } from '../../ops/recorder.ts';
import type { Store } from '../../store/index.ts';
import type { ClientKeys } from './client-key.ts';
import type { FormTokens } from './form-token.ts';
import type { PageRenderer } from './render.ts';
import type { HistoryReader } from '../../assessment/history.ts';
import type { Assessor } from '../../assessment/assessor.ts';

/** A node's part in the jobs: running them, waiting to take over, or not taking part (JOBS=false). */
export type JobRole = 'leader' | 'standby' | 'off';

export type WebDeps = {
  config: Config;
  catalog: Catalog;
  store: Store;
  /** What we conclude about each provider now (see assessment/assessor.ts). */
  assessor: Assessor;
  /** The daily history of a provider (90 days) and its uptime. */
  history: HistoryReader;
  pages: PageRenderer;
  now: () => number;
  /** Salted client hashes for report deduplication and rate limits. */
  clientKeys: ClientKeys;
  /** Signed render times for the report form's fill-time check. */
  formTokens: FormTokens;
  jobRole: () => JobRole;
  /** Whether the process should get traffic, with the reasons when not (/readyz). */
  readiness: ReadinessCheck;
  /** Where stored reports are counted for the metrics, when they are on. */
  recorder?: ReportRecorder;
  /** What sends a subscriber's test event; null: this node cannot. */
  testSender: (() => Promise<Sender>) | null;
};
