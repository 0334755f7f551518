import { createCommandContext, type TenancyCommandDeps } from './commandContext.js';
import { createEndpointCommands } from './endpointCommands.js';
import { createTenantCommands } from './tenantCommands.js';
import { createUserCommands } from './userCommands.js';

/** Every tenancy command, sharing one serial queue. */
export function createTenancyCommands(deps: TenancyCommandDeps) {
  const ctx = createCommandContext(deps);
  return { ...createTenantCommands(ctx), ...createUserCommands(ctx), ...createEndpointCommands(ctx) };
}

export type TenancyCommands = ReturnType<typeof createTenancyCommands>;
