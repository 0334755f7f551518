import { z } from '@hono/zod-openapi';
import { queryInt } from './v1/schemas.js';

/** Window lengths the routes accept, in milliseconds. */
export const statsWindows = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type StatsWindow = keyof typeof statsWindows;

const rate = (description: string) => z.number().nullable().openapi({ description });
export const statsFiguresShape = {
  faxes: z.object({ total: z.number().int(), inbound: z.number().int(), outbound: z.number().int() }).openapi({ description: 'faxes that finished in the window (received, failed, sent or given up), by direction' }),
  succeeded: z.number().int().openapi({ description: 'faxes received or sent' }),
  failed: z.number().int().openapi({ description: 'faxes that failed to arrive or were given up after their attempts (cancelled ones excluded)' }),
  cancelled: z.number().int().openapi({ description: 'outbound faxes cancelled by their submitter' }),
  successRate: rate('succeeded / (succeeded + failed); null without finished faxes'),
  pages: z.number().int().openapi({ description: 'pages transferred in every call, failed calls included' }),
  pagesPerMinute: rate('pages per minute of transfer time (first negotiation to last page) over the calls that transferred pages'),
  attempts: z.number().int().openapi({ description: 'outbound call attempts that ended' }),
  attemptsPerSuccess: rate('outbound call attempts per outbound fax sent'),
  topFailureCauses: z
    .array(z.object({ cause: z.string(), count: z.number().int() }))
    .openapi({ description: 'the five most frequent failure classes: outbound outcome classes (busy, noAnswer, pageTransferFailure…) and inbound reason classes (page_transfer_failed, no_fax_detected…, interrupted)' }),
  topAttemptFailureCauses: z
    .array(z.object({ cause: z.string(), count: z.number().int() }))
    .openapi({ description: 'the five most frequent outcome classes of failed outbound call attempts, retried or not (busy, noAnswer, gatewayFailure…)' }),
  transport: z
    .object({ t38: z.number().int(), audio: z.number().int(), t38Share: z.number().nullable() })
    .openapi({ description: 'calls that negotiated a fax over T.38 and in audio (G.711), and the T.38 share of them' }),
  fallbacks: z.object({
    t38ToAudio: z.number().int().openapi({ description: 'outbound retries switched from T.38 to audio after a failed T.38 attempt' }),
    stations: z.number().int().nullable().openapi({ description: 'remote stations switched to audio by station knowledge; null in a tenant scope, or per gateway or tenant' }),
  }),
};
export const statsFigures = z.object(statsFiguresShape).openapi('StatsFigures');

const windowShape = {
  window: z.enum(Object.keys(statsWindows) as [StatsWindow, ...StatsWindow[]]),
  from: z.string().openapi({ description: 'start of the window (now minus its length), ISO-8601' }),
  to: z.string().openapi({ description: 'end of the window: now, ISO-8601' }),
  tenantId: z.string().nullable().openapi({ description: "the tenant whose faxes are counted; null: every tenant's (admin)" }),
};
export const statsSummary = z.object({ ...windowShape, figures: statsFigures }).openapi('StatsSummary');
export const statsList = (id: string, name: string) =>
  z.object({ ...windowShape, items: z.array(z.object({ [id]: z.string(), ...statsFiguresShape })) }).openapi(name, { description: 'most faxes first' });
export const statsDaily = z
  .object({
    dimension: z.enum(['all', 'gateway', 'station', 'tenant']),
    id: z.string().nullable(),
    tenantId: z.string().nullable(),
    items: z.array(z.object({ day: z.string(), ...statsFiguresShape })),
  })
  .openapi('StatsDaily');

const windowParam = z.enum(Object.keys(statsWindows) as [StatsWindow, ...StatsWindow[]]).default('24h').openapi({ description: 'the window ending now: 1h, 24h, 7d or 30d' });
const tenantParam = z.string().min(1).optional().openapi({ description: "admin: count one tenant's faxes only; a tenant user's own tenant is implied" });
export const windowQuery = z.object({ window: windowParam, tenantId: tenantParam });
const limit = queryInt(1, 500).default(50).openapi({ description: 'the most faxes first, this many at most' });
export const listQuery = z.object({ window: windowParam, tenantId: tenantParam, limit });
export const tenantListQuery = z.object({ window: windowParam, limit });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, yyyy-mm-dd').refine((value) => {
    // Date.parse takes 2026-02-31 for March 3rd: a day is a date only if it reads back the same.
    const ms = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
  }, 'not a date in the calendar');
export const dailyQuery = z.object({
  from: day.openapi({ description: 'first UTC day' }),
  to: day.openapi({ description: 'last UTC day (inclusive; at most 366 days after from)' }),
  dimension: z.enum(['all', 'gateway', 'station', 'tenant']).default('all'),
  id: z.string().min(1).optional().openapi({ description: 'the gateway, station (E.164) or tenant id; required unless dimension is all (a tenant user: its own tenant)' }),
  tenantId: tenantParam,
});
