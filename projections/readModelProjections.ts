import { credentialsProjection } from './credentialsProjection.js';
import { directoryProjection } from './directoryProjection.js';
import type { DocumentProjection } from './documentProjection.js';
import { faxProjection } from './faxProjection.js';
import { notificationProjection } from './notificationProjection.js';
import { routingProjection } from './routingProjection.js';
import { stationProjection } from './stationProjection.js';

/** The read models the server keeps (tenancy and faxes), and the streams they read. */
export const readModelProjections: readonly DocumentProjection[] = [routingProjection, directoryProjection, credentialsProjection, faxProjection, notificationProjection, stationProjection];
export const readModelStreamPrefixes: readonly string[] = ['tenant-', 'system-config', 'fax-', 'station-'];
