import type { EventMetadata } from '../../ports/eventStore.js';
import { actingAs, createCommandContext, type CommandContext, type TenancyCommandDeps } from './commandContext.js';
import { createEndpointCommands } from './endpointCommands.js';
import { createTenantCommands } from './tenantCommands.js';
import { createUserCommands } from './userCommands.js';

const commandsOn = (ctx: CommandContext) => ({ ...createTenantCommands(ctx), ...createUserCommands(ctx), ...createEndpointCommands(ctx) });

/** Every tenancy command, sharing one serial queue; `as(metadata)`: the same commands recording who gave them. */
export function createTenancyCommands(deps: TenancyCommandDeps) {
  const ctx = createCommandContext(deps);
  return { ...commandsOn(ctx), as: (metadata: EventMetadata) => commandsOn(actingAs(ctx, metadata)) };
}

export type TenancyCommands = ReturnType<typeof createTenancyCommands>;
