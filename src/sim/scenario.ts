import { z } from 'zod';

const hangupCause = z.string().regex(/^[A-Z_]+$/);

/** How a simulated remote fax station (or voice line) behaves on a call (reference §3, §4). */
export const stationSchema = z.object({
  /** `answer`, or the hangup cause the call fails with (USER_BUSY, NO_ANSWER, CALL_REJECTED, …). */
  outcome: z.union([z.literal('answer'), hangupCause]).default('answer'),
  /** Seconds from the INVITE to the answer or the failure. */
  ringSeconds: z.number().nonnegative().default(2),
  /**
   * The SIP status of a failed call's final response (`sip_term_status`), e.g. 480 with `outcome:
   * 'NORMAL_CLEARING'` for a carrier that adds `Reason: Q.850;cause=16`. USER_BUSY and
   * CALL_REJECTED default to 486 and 603.
   */
  sipStatus: z.number().int().min(300).max(699).optional(),
  /** Sends 180 Ringing first; false answers (or fails) at once, with no CHANNEL_PROGRESS (audio.raw). */
  ringback: z.boolean().default(true),
  /**
   * fax; voice (spandsp's T.30 timers end the fax: T1 35 s as answerer, T0 60 s as caller); silent:
   * a caller that sends nothing, which rxfax never gives up on (real FreeSWITCH: it runs until the
   * caller hangs up, `hangupAfterSeconds`, or someone hangs the call up).
   */
  line: z.enum(['fax', 'voice', 'silent']).default('fax'),
  /** accept: accepts our T.38 re-INVITE; refuse: answers it with 488; request: re-INVITEs us itself; none: audio only, never asks. */
  t38: z.enum(['accept', 'refuse', 'request', 'none']).default('accept'),
  rate: z.union([z.literal(14400), z.literal(12000), z.literal(9600), z.literal(7200), z.literal(4800), z.literal(2400)]).default(14400),
  ecm: z.boolean().default(true),
  /** TSI/CSI the station sends; empty or blank means no `fax-remote-station-id` (reference §3.5). */
  ident: z.string().default(''),
  /** Pages the station sends when it is the caller and no document is given. */
  pages: z.number().int().positive().default(2),
  /** TIFF the station sends when it is the caller. */
  document: z.string().optional(),
  fine: z.boolean().default(true),
  /** 1-based page numbers that arrive with bad rows (non-ECM only). */
  badRowPages: z.array(z.number().int().positive()).default(() => []),
  badRows: z.number().int().positive().default(14),
  /** Ends the fax with this T.30 code after `afterPages` pages and `negotiations` phase B events. */
  failure: z
    .object({ code: z.number().int().min(1).max(61), afterPages: z.number().int().nonnegative().default(0), negotiations: z.number().int().positive().default(1) })
    .optional(),
  /** The station hangs up while page `hangupAfterPages + 1` is being transferred (code 49). */
  hangupAfterPages: z.number().int().nonnegative().optional(),
  /** A voice or silent caller hangs up after this many seconds. */
  hangupAfterSeconds: z.number().positive().optional(),
  /** Seconds after a completed fax before the station hangs up (when it is the caller). */
  hangupDelaySeconds: z.number().nonnegative().default(1),
  /** T.38 bug: after the result the fax app returns only when the channel hangs up (reference §3.5). */
  t38NoReturn: z.boolean().default(false),
});
export type Station = z.infer<typeof stationSchema>;
export type StationInput = z.input<typeof stationSchema>;

export const gatewaySchema = z.object({
  state: z.enum(['up', 'down']).default('up'),
  /** Source IP of calls that come in from this gateway (`sip_network_ip`). */
  ip: z.string().default('203.0.113.10'),
  profile: z.string().default('external'),
});
export type Gateway = z.infer<typeof gatewaySchema>;

export const scenarioSchema = z.object({
  gateways: z.record(z.string(), gatewaySchema).default(() => ({ gw1: gatewaySchema.parse({}) })),
  /** Remote stations by number (digits as dialled). */
  stations: z.record(z.string(), stationSchema).default(() => ({})),
  defaultStation: stationSchema.default(() => stationSchema.parse({})),
  timeScale: z.number().positive().optional(),
});
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Defaults are built per call, so one simulator's changes never leak into another's scenario. */
export const parseScenario = (input: unknown): Scenario => scenarioSchema.parse(input ?? {});

/** The station for a dialled number: exact match, then without a leading `+`, then the default. */
export function stationFor(scenario: Scenario, number: string): Station {
  return scenario.stations[number] ?? scenario.stations[number.replace(/^\+/, '')] ?? scenario.defaultStation;
}
