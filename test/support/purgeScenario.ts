import type { NewEvent } from '../../src/ports/eventStore.js';

/**
 * Faxes for read-model purge tests, each with values found nowhere else (so a byte scan for them
 * means what it says): `p-in` (received from 5557770001, e-mailed), `p-shared` (received from
 * 5557770002 with the ident `SHARED LAB` that `keep-in` also has), `p-out` (sent to +15558880002,
 * a webhook told). `keep-in` is never purged. Times are fixed.
 */
export function purgeScenario(tenantId: string): Array<{ stream: string; events: NewEvent[] }> {
  const at = (second: number) => new Date(Date.parse('2026-11-02T09:00:00.000Z') + second * 1000).toISOString();
  const received = (faxId: string, caller: string, ident: string, name: string | undefined, second: number): NewEvent[] => [
    { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid: `c-${faxId}`, callerNumber: caller, ...(name ? { callerName: name } : {}), toUser: '15551230001', sourceIp: '10.9.8.7', offeredAt: at(second) } },
    { type: 'FaxCallAnswered', data: { faxId, callUuid: `c-${faxId}`, tenantId, recipient: '+15551230001', sourceGateway: 'carrier1', t38Enabled: false, t38Requested: false, t38Policy: 'off', answeredAt: at(second + 1) } },
    { type: 'FaxNegotiated', data: { faxId, callUuid: `c-${faxId}`, negotiation: 1, transferRate: 9600, ecm: true, t38Status: 'off', remoteIdent: ident } },
    { type: 'FaxPageTransferred', data: { faxId, callUuid: `c-${faxId}`, page: 1, resolution: '204x196', badRows: 0, longestBadRowRun: 0, encoding: 'MMR', imageBytes: 20_000 } },
    { type: 'FaxReceived', data: { faxId, callUuid: `c-${faxId}`, tenantId, pages: 1, documentId: `doc-${faxId}-zz`, resultCode: 0, resultText: 'OK', t38Status: 'off', transferRate: 9600, remoteIdent: ident, receivedAt: at(second + 30) } },
    { type: 'FaxCallEnded', data: { faxId, callUuid: `c-${faxId}`, hangupCause: 'NORMAL_CLEARING', endedAt: at(second + 31) } },
  ];
  const ref = (faxId: string, sourceType: string, target: Record<string, unknown>) => ({ notificationId: `n-${faxId}`, faxId, tenantId, sourceEventId: `e-${faxId}`, sourceType, endpointId: null, target });
  return [
    {
      stream: 'fax-p-in',
      events: [
        ...received('p-in', '5557770001', 'QZXJ CLINIC 7770001', 'Qzxj Clinic', 0),
        { type: 'NotificationSent', data: { ...ref('p-in', 'FaxRouted', { channel: 'email', to: ['dr.qzx@clinic.example'] }), attempt: 1, sentAt: at(40), detail: { accepted: ['dr.qzx@clinic.example'] } } },
      ],
    },
    { stream: 'fax-p-shared', events: received('p-shared', '5557770002', 'SHARED LAB', undefined, 100) },
    { stream: 'fax-keep-in', events: received('keep-in', '4445550100', 'SHARED LAB', undefined, 200) },
    {
      stream: 'fax-p-out',
      events: [
        { type: 'FaxQueued', data: { faxId: 'p-out', direction: 'outbound', tenantId, to: '+15558880002', from: '+15551230001', headerText: 'Qzxk v. Jones', resolution: 'fine', pageSize: 'letter', files: [{ name: 'qzx-contract.pdf', contentType: 'application/pdf', bytes: 9 }], submittedBy: { kind: 'admin' }, queuedAt: at(300) } },
        { type: 'FaxDocumentPrepared', data: { faxId: 'p-out', documentId: 'doc-p-out-zz', pages: 1 } },
        { type: 'FaxSendAttemptStarted', data: { faxId: 'p-out', callUuid: 'c-p-out-1', attempt: 1, gateway: 'carrier1', transport: { ecm: true, v17: true, t38: false } } },
        { type: 'FaxCallAnswered', data: { faxId: 'p-out', callUuid: 'c-p-out-1' } },
        { type: 'FaxNegotiated', data: { faxId: 'p-out', callUuid: 'c-p-out-1', negotiation: 1, transferRate: 9600, ecm: true, t38Status: 'off', remoteIdent: 'JONES QZXK LAW' } },
        { type: 'FaxSent', data: { faxId: 'p-out', callUuid: 'c-p-out-1', attempts: 1, gateway: 'carrier1', pages: 1, t38Status: 'off', transferRate: 9600, remoteIdent: 'JONES QZXK LAW', sentAt: at(340) } },
        { type: 'NotificationSent', data: { ...ref('p-out', 'FaxSent', { channel: 'webhook', url: 'https://hooks.example/qzx-case-42', style: 'json' }), attempt: 1, sentAt: at(341), detail: { status: 200 } } },
      ],
    },
  ];
}

/** The search texts (remote ident, caller name) the scenario's faxes have. */
export const purgedScenarioTexts = ['qzxj clinic 7770001\nqzxj clinic', 'shared lab', 'jones qzxk law'];

export const purgedFaxIds = ['p-in', 'p-shared', 'p-out'] as const;

/** What must be found nowhere once the faxes of `purgedFaxIds` are purged (any case). */
export const purgedValues = ['5557770001', '5557770002', '5558880002', 'qzx', 'dr.qzx@', 'doc-p-in-zz', 'doc-p-shared-zz', 'doc-p-out-zz', '10.9.8.7'];

export const faxPurged = (faxId: string, tenantId: string): NewEvent => ({ type: 'FaxPurged', data: { faxId, tenantId, reason: 'request', purgedAt: '2026-12-06T12:00:00.000Z' } });
