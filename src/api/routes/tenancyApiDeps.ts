import type { QueryView } from '../../../projections/documentProjection.js';
import type { Auth } from '../auth/authenticate.js';
import type { TenancyCommands } from '../services/tenancyCommands.js';

/** What the tenancy routes need: commands to change things, read models to read them, and auth. */
export interface TenancyRouteDeps {
  commands: TenancyCommands;
  directory: () => QueryView;
  routing: () => QueryView;
  auth: Auth;
  defaultCountry: string;
  verifyPassword: (password: string, hash: string) => Promise<boolean>;
  credentials: () => QueryView;
}
