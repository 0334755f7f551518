import { ValidationError } from '../../domain/errors.js';
import { decideAddEndpoint, decideRemoveEndpoint, decideUpdateEndpoint, requireEndpoint, type EndpointHolder } from '../../domain/tenancy/endpointDecider.js';
import type { TenancyEvent } from '../../domain/tenancy/events.js';
import { mergeEndpointSettings, type EndpointOwner, type EndpointPatch } from '../../domain/tenancy/types.js';
import { normaliseEndpointSettings } from '../../domain/tenancy/validation.js';
import { systemConfigStream, tenantStream } from '../../domain/streams.js';
import type { ExpectedRevision } from '../../ports/eventStore.js';
import type { CommandContext } from './commandContext.js';

/** Which endpoints a command addresses: the global ones, or one tenant's (optionally narrowed to a number). */
export type EndpointPlace = { tenantId: null } | { tenantId: string; numberId?: string | null };

function ownerFor(place: EndpointPlace): EndpointOwner {
  if (place.tenantId === null) return { scope: 'global', tenantId: null, numberId: null };
  if (place.numberId) return { scope: 'number', tenantId: place.tenantId, numberId: place.numberId };
  return { scope: 'tenant', tenantId: place.tenantId, numberId: null };
}

/** Endpoint commands: global endpoints live in `system-config`, the others in their tenant's stream. */
export function createEndpointCommands(ctx: CommandContext) {
  const { streams } = ctx;

  async function holderOf(tenantId: string | null): Promise<{ holder: EndpointHolder; stream: string; revision: ExpectedRevision }> {
    if (tenantId === null) {
      const state = await streams.loadSystemConfig();
      return { holder: state, stream: systemConfigStream, revision: state.revision };
    }
    const state = await streams.loadTenant(tenantId);
    return { holder: state, stream: tenantStream(tenantId), revision: state.revision };
  }

  async function run(tenantId: string | null, decide: (holder: EndpointHolder) => TenancyEvent[]): Promise<void> {
    const { holder, stream, revision } = await holderOf(tenantId);
    await ctx.settle(await streams.append(stream, decide(holder), revision));
  }

  function addEndpoint(place: EndpointPlace, patch: EndpointPatch): Promise<string> {
    if (!patch.target) throw new ValidationError('target', 'required');
    const settings = normaliseEndpointSettings(mergeEndpointSettings(undefined, patch));
    return ctx.serial(async () => {
      const endpointId = await streams.allocateId('endpoint');
      await run(place.tenantId, (holder) => decideAddEndpoint(holder, endpointId, ownerFor(place), settings, ctx.now()));
      return endpointId;
    });
  }

  /** Fields left out keep their value; `numberId` moves an endpoint between its tenant and the tenant's numbers. */
  function updateEndpoint(place: EndpointPlace, endpointId: string, patch: EndpointPatch): Promise<void> {
    return ctx.serial(() =>
      run(place.tenantId, (holder) => {
        const current = requireEndpoint(holder, endpointId);
        const moves = place.tenantId === null || ('numberId' in place && place.numberId !== undefined);
        const owner = moves ? ownerFor(place) : current.owner;
        const settings = normaliseEndpointSettings(mergeEndpointSettings(current.settings, patch));
        return decideUpdateEndpoint(holder, endpointId, owner, settings, ctx.now());
      }),
    );
  }

  function removeEndpoint(place: EndpointPlace, endpointId: string): Promise<void> {
    return ctx.serial(() => run(place.tenantId, (holder) => decideRemoveEndpoint(holder, endpointId, ctx.now())));
  }

  return { addEndpoint, updateEndpoint, removeEndpoint };
}

export type EndpointCommands = ReturnType<typeof createEndpointCommands>;
