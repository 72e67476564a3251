// The adapter registry: one adapter per catalog status-page format.
import type { StatusFormat } from '../../domain.ts';
import type { Adapter } from '../adapter.ts';
import { awshealthAdapter } from './awshealth.ts';
import { betterstackAdapter } from './betterstack.ts';
import { datadogAdapter } from './datadog.ts';
import { feedAdapter } from './feed.ts';
import { flashdutyAdapter } from './flashduty.ts';
import { gcpAdapter } from './gcp.ts';
import { incidentioAdapter } from './incidentio.ts';
import { instatusAdapter } from './instatus.ts';
import { statuspageAdapter } from './statuspage.ts';

export const ADAPTERS: Record<StatusFormat, Adapter> = {
  statuspage: statuspageAdapter,
  incidentio: incidentioAdapter,
  instatus: instatusAdapter,
  betterstack: betterstackAdapter,
  feed: feedAdapter,
  gcp: gcpAdapter,
  flashduty: flashdutyAdapter,
  datadog: datadogAdapter,
  awshealth: awshealthAdapter,
};
