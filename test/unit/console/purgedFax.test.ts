import { jsx } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { newFaxView } from '../../../projections/faxProjection.js';
import { purgedFaxView } from '../../../projections/purgedFaxView.js';
import { FaxRow } from '../../../src/console/faxListPage.js';
import { FaxPage } from '../../../src/console/faxPage.js';
import type { ConsoleSession } from '../../../src/console/sessions.js';

const session: ConsoleSession = { id: 's', principal: { kind: 'admin' }, csrfToken: 'token', lastSeen: 0 };
const received = {
  ...newFaxView({ faxId: 'f1', direction: 'inbound', tenantId: 'acme', status: 'received', callUuid: 'c1', from: '5557770001', to: '+15551230001', createdAt: '2026-11-02T09:00:00.000Z' }),
  ended: true,
  pages: 2,
  documentId: 'doc-f1',
  remoteIdent: 'QZXJ CLINIC',
  callerName: 'Qzxj Clinic',
};
const purged = purgedFaxView(received, { faxId: 'f1', tenantId: 'acme', reason: 'retention', purgedAt: '2026-12-06T12:00:00.000Z' });
const html = async (node: unknown) => String(await (node as { toString(): string | Promise<string> }).toString());

describe('the console shows a purged fax as purged', () => {
  it('in the lists: "Purged on …" in place of the numbers, never bold as unread', async () => {
    const row = await html(jsx(FaxRow, { fax: purged }));
    expect(row).toContain('Purged on 2026-12-06 12:00:00 UTC');
    expect(row).not.toMatch(/5557770001|qzxj|unread|null/i);
    expect(await html(jsx(FaxRow, { fax: received }))).toContain('unread');
  });

  it('on its page: says when it was purged, with no document links, thumbnails or read mark', async () => {
    const page = await html(jsx(FaxPage, { fax: purged, events: [], session, pageImages: true }));
    expect(page).toContain('Purged on 2026-12-06 12:00:00 UTC: its numbers, names, idents, document and page images no longer exist.');
    expect(page).toContain('the document and its 2 pages no longer exist');
    expect(page).not.toMatch(/5557770001|qzxj|document\.pdf|\/pages\/1\/thumb|Mark as read|>null</i);
    expect(await html(jsx(FaxPage, { fax: received, events: [], session, pageImages: true }))).toContain('/pages/1/thumb');
  });
});
