import { accessProjection } from './accessProjection.js';
import { credentialsProjection } from './credentialsProjection.js';
import { directoryProjection } from './directoryProjection.js';
import type { DocumentProjection } from './documentProjection.js';
import { faxProjection } from './faxProjection.js';
import { notificationProjection } from './notificationProjection.js';
import { retentionProjection } from './retentionProjection.js';
import { routingProjection } from './routingProjection.js';
import { stationProjection } from './stationProjection.js';
import { createStatsProjection } from './statsProjection.js';

/**
 * The read models the server keeps (tenancy, faxes, statistics), and the streams they read.
 * `defaultCountry` reads callers' national numbers as E.164 (statistics per remote station).
 */
export function readModelProjectionsFor(options: { defaultCountry?: string } = {}): readonly DocumentProjection[] {
  return [routingProjection, directoryProjection, credentialsProjection, faxProjection, notificationProjection, stationProjection, retentionProjection, createStatsProjection({ defaultCountry: options.defaultCountry ?? 'US' }), accessProjection];
}
export const readModelStreamPrefixes: readonly string[] = ['tenant-', 'system-config', 'fax-', 'station-', 'access-'];
