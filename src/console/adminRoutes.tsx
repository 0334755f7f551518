import { adminAccount } from './adminAccount.js';
import { adminEndpoints } from './adminEndpoints.js';
import { adminNotifications } from './adminNotifications.js';
import { adminStations } from './adminStations.js';
import { adminTenantRoutes } from './adminTenantRoutes.js';
import { adminTenants } from './adminTenants.js';
import type { ConsoleFeature } from './consoleKit.js';

/** The administration pages under /admin (admin only): tenants, their numbers, users and keys, endpoints, stations, dead letters; and a user's own account (/account). */
export const adminRoutes: ConsoleFeature = (app, kit) => {
  for (const feature of [adminTenants, adminTenantRoutes, adminEndpoints, adminStations, adminNotifications, adminAccount]) feature(app, kit);
};
