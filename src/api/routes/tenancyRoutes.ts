import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthEnv } from '../auth/principal.js';
import { legacyEndpointRoutes } from './legacy/legacyEndpointRoutes.js';
import { legacyNumberRoutes } from './legacy/legacyNumberRoutes.js';
import { legacyReloadRoutes } from './legacy/legacyReloadRoutes.js';
import { legacyTenantRoutes } from './legacy/legacyTenantRoutes.js';
import { legacyUserRoutes } from './legacy/legacyUserRoutes.js';
import type { TenancyRouteDeps } from './tenancyApiDeps.js';
import { v1EndpointsRoutes } from './v1/endpointsRoutes.js';
import { v1MeRoutes } from './v1/meRoutes.js';
import { v1NumbersRoutes } from './v1/numbersRoutes.js';
import { v1TenantsRoutes } from './v1/tenantsRoutes.js';
import { v1UsersRoutes } from './v1/usersRoutes.js';

/** The admin and tenant API: the original's `/admin/*` routes and the versioned `/v1` resources. */
export function tenancyRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = new OpenAPIHono<AuthEnv>();
  // Only the original's resources: the rest of /admin is the web console's administration pages.
  for (const resource of ['tenant', 'number', 'user', 'endpoint', 'reload']) routes.use(`/admin/${resource}`, deps.auth.legacyAdmin).use(`/admin/${resource}/*`, deps.auth.legacyAdmin);
  for (const module of [legacyReloadRoutes(), legacyTenantRoutes(deps), legacyNumberRoutes(deps), legacyEndpointRoutes(deps), legacyUserRoutes(deps)]) routes.route('/', module);
  for (const module of [v1TenantsRoutes(deps), v1NumbersRoutes(deps), v1UsersRoutes(deps), v1EndpointsRoutes(deps), v1MeRoutes(deps)]) routes.route('/', module);
  routes.openAPIRegistry.registerComponent('securitySchemes', 'adminBasicAuth', {
    type: 'http',
    scheme: 'basic',
    description: 'Any user name; the password is the admin API key (admin.apiKey / FAXENGINE_ADMIN_API_KEY)',
  });
  routes.openAPIRegistry.registerComponent('securitySchemes', 'basicAuth', { type: 'http', scheme: 'basic', description: 'A tenant user (or the admin key as password)' });
  routes.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: "A tenant user's API key" });
  return routes;
}
