import { describe, expect, it } from 'vitest';
import { createEventMetrics } from '../../../src/adapters/metrics/eventMetrics.js';
import { createLabelCap } from '../../../src/adapters/metrics/labelCap.js';
import { createPromMetrics } from '../../../src/adapters/metrics/promMetrics.js';

const sample = (exposition: string, series: string) => {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('event-derived counters', () => {
  it('cap the tenant label at metrics.maxTenantLabels: later tenants count as "other"', async () => {
    const prom = createPromMetrics({ defaultMetrics: false });
    const count = createEventMetrics(prom.metrics, createLabelCap(2));
    for (const tenantId of ['t1', 't2', 't3', 't4', 't1']) count({ type: 'FaxSent', data: { tenantId, gateway: 'gw', pages: 1, t38Status: 'negotiated' } });
    const { body } = await prom.scrape();
    expect(sample(body, 'faxengine_faxes_total{direction="outbound",result="success",tenant="t1"}')).toBe(2);
    expect(sample(body, 'faxengine_faxes_total{direction="outbound",result="success",tenant="t2"}')).toBe(1);
    expect(sample(body, 'faxengine_faxes_total{direction="outbound",result="success",tenant="other"}')).toBe(2);
    expect(body).not.toContain('tenant="t3"');
  });

  it('map each fax event to its counters', async () => {
    const prom = createPromMetrics({ defaultMetrics: false });
    const count = createEventMetrics(prom.metrics, createLabelCap(10));
    count({ type: 'FaxReceiveFailed', data: { tenantId: 'a', reasonClass: 'page_transfer_failed', pagesReceived: 3, t38Status: 'off' } });
    count({ type: 'FaxReceiveInterrupted', data: { tenantId: 'a', pagesReceived: 1 } });
    count({ type: 'FaxSendAttemptFailed', data: { gateway: 'gw1', outcomeClass: 'noAnswer', pagesSent: 0, t38Status: 'off' } });
    count({ type: 'FaxSendAttemptInterrupted', data: { gateway: 'gw1', pagesSent: 2 } });
    count({ type: 'FaxFailed', data: { tenantId: 'a', outcomeClass: 'interrupted' } });
    count({ type: 'FaxCancelled', data: { tenantId: 'a' } });
    count({ type: 'FaxBridged', data: { tenantId: 'a', success: false } });
    count({ type: 'FaxNegotiated', data: { transferRate: 7200, t38Status: 'negotiated' } });
    count({ type: 'NotificationAttemptFailed', data: { target: { channel: 'email' }, nextAttemptAt: null } });
    count({ type: 'NotificationAttemptFailed', data: { target: { channel: 'email' }, nextAttemptAt: '2026-01-01T00:00:00Z' } });
    count({ type: 'FaxQueued', data: { tenantId: 'a' } });
    const { body } = await prom.scrape();
    expect(sample(body, 'faxengine_faxes_total{direction="inbound",result="page_transfer_failed",tenant="a"}')).toBe(1);
    expect(sample(body, 'faxengine_faxes_total{direction="inbound",result="interrupted",tenant="a"}')).toBe(1);
    expect(sample(body, 'faxengine_faxes_total{direction="inbound",result="bridge_failed",tenant="a"}')).toBe(1);
    expect(sample(body, 'faxengine_faxes_total{direction="outbound",result="interrupted",tenant="a"}')).toBe(1);
    expect(sample(body, 'faxengine_faxes_total{direction="outbound",result="cancelled",tenant="a"}')).toBe(1);
    expect(sample(body, 'faxengine_fax_pages_total{direction="inbound",transport="audio"}')).toBe(3);
    expect(sample(body, 'faxengine_fax_pages_total{direction="inbound",transport="unknown"}')).toBe(1);
    expect(sample(body, 'faxengine_fax_pages_total{direction="outbound",transport="unknown"}')).toBe(2);
    expect(sample(body, 'faxengine_send_attempts_total{gateway="gw1",outcome="noAnswer"}')).toBe(1);
    expect(sample(body, 'faxengine_send_attempts_total{gateway="gw1",outcome="interrupted"}')).toBe(1);
    expect(sample(body, 'faxengine_fax_negotiations_total{transport="t38",rate_bps="7200"}')).toBe(1);
    // Only a failure with a next attempt is a retry.
    expect(sample(body, 'faxengine_notification_retries_total{channel="email"}')).toBe(1);
  });

  it('keep separate counts for two servers in one process (a registry each)', async () => {
    const first = createPromMetrics({ defaultMetrics: false });
    const second = createPromMetrics({ defaultMetrics: false });
    first.metrics.count('conversionFailures');
    expect(sample((await first.scrape()).body, 'faxengine_document_conversion_failures_total')).toBe(1);
    expect(sample((await second.scrape()).body, 'faxengine_document_conversion_failures_total')).toBe(0);
  });
});

describe('counter exposition', () => {
  it('escapes label values the way the text format wants (backslash, quote, newline)', async () => {
    const prom = createPromMetrics({ defaultMetrics: false });
    prom.metrics.count('sendAttempts', { gateway: 'odd\\"gw\n', outcome: 'sent' }, 2);
    const { body } = await prom.scrape();
    expect(body).toContain('faxengine_send_attempts_total{gateway="odd\\\\\\"gw\\n",outcome="sent"} 2\n');
    expect(() => prom.metrics.count('conversionFailures', undefined, -1)).toThrow(/only goes up/);
  });
});
