import { credentialsProjection } from './credentialsProjection.js';
import { directoryProjection } from './directoryProjection.js';
import type { DocumentProjection } from './documentProjection.js';
import { routingProjection } from './routingProjection.js';

/** The tenancy read models, and the streams they read. */
export const tenancyProjections: readonly DocumentProjection[] = [routingProjection, directoryProjection, credentialsProjection];
export const tenancyStreamPrefixes: readonly string[] = ['tenant-', 'system-config'];
