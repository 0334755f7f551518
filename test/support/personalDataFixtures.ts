import { randomBytes } from 'node:crypto';
import { createKeyRing, type KeyRing } from '../../src/adapters/crypto/keyRing.js';
import type { NewEvent } from '../../src/ports/eventStore.js';

export const testKeyRing = (...ids: string[]): KeyRing => createKeyRing((ids.length ? ids : ['k1']).map((id) => ({ id, key: randomBytes(32) })));

/** The personal values of `personalFaxEvents`, each unusual enough to be found by a byte scan. */
export function personalValues(tag: string) {
  return {
    caller: `+1555${tag}01`,
    callerName: `Dr Zebulon ${tag}`,
    ident: `IDENT ${tag} CLINIC`,
    header: `HEADER ${tag} Confidential`,
    destination: `+4930${tag}99`,
    fileName: `lab-results-${tag}.pdf`,
    email: `patient.${tag}@example.org`,
    webhook: `https://hooks.example.org/${tag}/fax`,
    documentId: `doc${tag}document`,
    sourceIp: `203.0.113.${Number.parseInt(tag.slice(-2), 16) % 250}`,
  };
}

/** An inbound fax's events and an outbound fax's queueing, with personal values in every kind of place (top level, nested, arrays). */
export function personalFaxEvents(faxId: string, tag: string): NewEvent[] {
  const v = personalValues(tag);
  return [
    { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid: `u-${faxId}`, callerNumber: v.caller, callerName: v.callerName, sourceIp: v.sourceIp, offeredAt: '2026-12-06T20:00:00.000Z' }, metadata: { correlationId: faxId } },
    { type: 'FaxCallAnswered', data: { faxId, callUuid: `u-${faxId}`, tenantId: 't1', recipient: '+15550000000', sourceGateway: 'gw', t38Enabled: true, t38Requested: false, t38Policy: 'p', stationIdent: v.ident, pageHeader: v.header, answeredAt: '2026-12-06T20:00:01.000Z' } },
    { type: 'FaxPageTransferred', data: { faxId, callUuid: `u-${faxId}`, page: 1, resolution: '204x196', badRows: 0, longestBadRowRun: 0, encoding: 'MMR', imageBytes: 1000 } },
    { type: 'FaxReceived', data: { faxId, callUuid: `u-${faxId}`, tenantId: 't1', pages: 1, documentId: v.documentId, resultCode: 0, resultText: 'OK', t38Status: 'off', transferRate: 14400, remoteIdent: v.ident, receivedAt: '2026-12-06T20:00:09.000Z' } },
    {
      type: 'FaxRouted',
      data: {
        faxId, tenantId: 't1', recipient: '+15550000000', documentId: v.documentId, partial: false, endpointScope: 'number', notifyEmails: [v.email],
        deliveries: [
          { endpointId: 'e1', kind: 'email', priority: 1, addresses: [v.email] },
          { endpointId: 'e2', kind: 'webhook', priority: 2, url: v.webhook, style: 'json' },
          { endpointId: 'e3', kind: 'gateway', priority: 3, gateway: 'pbx1' },
        ],
      },
    },
    {
      type: 'FaxQueued',
      data: {
        faxId, direction: 'outbound', tenantId: 't1', to: v.destination, from: '+15550000000', resolution: 'fine', pageSize: 'a4', headerText: v.header,
        files: [{ name: v.fileName, contentType: 'application/pdf', bytes: 10 }], submittedBy: { kind: 'admin' }, notify: { emails: [v.email], mode: 'report' }, webhookUrl: v.webhook, queuedAt: '2026-12-06T20:00:00.000Z',
      },
    },
  ];
}
