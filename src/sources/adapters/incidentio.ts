// incident.io (OpenAI): its Statuspage-compatible /api/v2 documents, read by the Statuspage reader.
import { MAIN_DOCUMENT } from '../../domain.ts';
import { JSON_TYPES, joinUrl, type Adapter } from '../adapter.ts';
import { readStatuspageDocument } from './statuspage.ts';

/**
 * Quirks the shared reader tolerates: no `incidents` key when there are none, `components: null`, `shortlink: null`,
 * no maintenances key or document. incidents/unresolved.json answers 404 HTML, so it is not used; incidents.json
 * tells the ends. summary.json omits components that components.json lists, so that one is read too, always in full.
 */
export const incidentioAdapter: Adapter = {
  url: 'base',
  documents: (page) => [
    { name: MAIN_DOCUMENT, url: joinUrl(page.url, '/api/v2/summary.json'), accept: JSON_TYPES },
    { name: 'incidents', url: joinUrl(page.url, '/api/v2/incidents.json'), accept: JSON_TYPES },
    { name: 'components', url: joinUrl(page.url, '/api/v2/components.json'), accept: JSON_TYPES, conditional: false },
  ],
  read: (document, body, page) => readStatuspageDocument(document, body, page),
};
