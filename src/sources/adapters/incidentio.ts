// incident.io (OpenAI): its Statuspage-compatible /api/v2 documents, read by the Statuspage reader.
import { MAIN_DOCUMENT } from '../../domain.ts';
import { JSON_TYPES, joinUrl, type Adapter } from '../adapter.ts';
import { readStatuspageDocument } from './statuspage.ts';

/**
 * Quirks the shared reader tolerates: no `incidents` key when there are none, `components: null`, `shortlink: null`,
 * no maintenances key. incidents/unresolved.json answers 404 HTML, so it is not used; incidents.json tells the ends.
 */
/** incident.io's Statuspage-compatible API: no maintenances document, and unresolved.json answers 404 HTML. */
export const incidentioAdapter: Adapter = {
  documents: (page) => [
    { name: MAIN_DOCUMENT, url: joinUrl(page.url, '/api/v2/summary.json'), accept: JSON_TYPES },
    { name: 'incidents', url: joinUrl(page.url, '/api/v2/incidents.json'), accept: JSON_TYPES },
  ],
  read: (document, body, page) => readStatuspageDocument(document, body, page),
};
