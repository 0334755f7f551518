import { numberClaimStream } from '../../domain/tenancy/claims.js';
import { toE164 } from '../../domain/tenancy/e164.js';
import { decideAssignNumber, decideReleaseNumber, decideUpdateNumber, requireNumber } from '../../domain/tenancy/numberDecider.js';
import { decideCreateTenant, decideDeleteTenant, decideUpdateTenant, requireActiveTenant } from '../../domain/tenancy/tenantDecider.js';
import { defaultNumberProfile, defaultTenantSettings, mergeNumberProfile, mergeTenantProfile, type NumberProfile, type TenantProfilePatch } from '../../domain/tenancy/types.js';
import { normaliseNumberProfile, normaliseTenantProfile } from '../../domain/tenancy/validation.js';
import { tenantStream } from '../../domain/streams.js';
import type { CommandContext } from './commandContext.js';

export type NumberPatch = Partial<NumberProfile> & { number?: string };

/** Tenant and number commands. Each returns once the read models show its effect. */
export function createTenantCommands(ctx: CommandContext) {
  const { streams } = ctx;

  /** A claim is really held while its tenant still has that number. */
  const numberStillHeld = (e164: string) => async (holder: { tenantId: string; ownerId: string }) => {
    const tenant = await streams.loadTenant(holder.tenantId);
    return tenant.numbers.get(holder.ownerId)?.number === e164;
  };

  async function createTenant(input: TenantProfilePatch & { name: string }): Promise<string> {
    const profile = normaliseTenantProfile(mergeTenantProfile({ name: input.name, email: null, settings: defaultTenantSettings }, input), ctx.defaultCountry, ctx.retentionLimits);
    return ctx.serial(async () => {
      const tenantId = await streams.allocateId('tenant');
      const state = await streams.loadTenant(tenantId);
      await ctx.settle(await streams.append(tenantStream(tenantId), decideCreateTenant(state, profile, ctx.now()), state.revision));
      return tenantId;
    });
  }

  function updateTenant(tenantId: string, patch: TenantProfilePatch): Promise<void> {
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      requireActiveTenant(state);
      // A tenant's days set before the operator narrowed the limits stay until changed (the sweep clamps them).
      const limits = patch.settings?.retentionDays !== undefined ? ctx.retentionLimits : undefined;
      const profile = normaliseTenantProfile(mergeTenantProfile(state.profile!, patch), ctx.defaultCountry, limits);
      await ctx.settle(await streams.append(tenantStream(tenantId), decideUpdateTenant(state, profile, ctx.now()), state.revision));
    });
  }

  function deleteTenant(tenantId: string): Promise<void> {
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      const at = ctx.now();
      const position = await streams.append(tenantStream(tenantId), decideDeleteTenant(state, at), state.revision);
      for (const number of state.numbers.values()) {
        await streams.release(numberClaimStream(number.number), number.number, { tenantId, ownerId: number.id }, at);
      }
      await ctx.settle(position);
    });
  }

  async function assignNumber(tenantId: string, input: NumberPatch & { number: string }): Promise<string> {
    const e164 = toE164(input.number, ctx.defaultCountry);
    const profile = normaliseNumberProfile(mergeNumberProfile(defaultNumberProfile, input), ctx.defaultCountry);
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      requireActiveTenant(state);
      const numberId = await streams.allocateId('number');
      const at = ctx.now();
      const events = decideAssignNumber(state, { numberId, number: e164, profile }, at);
      const holder = { tenantId, ownerId: numberId };
      await streams.claim(numberClaimStream(e164), e164, holder, at, numberStillHeld(e164));
      try {
        await ctx.settle(await streams.append(tenantStream(tenantId), events, state.revision));
      } catch (error) {
        await streams.release(numberClaimStream(e164), e164, holder, at);
        throw error;
      }
      return numberId;
    });
  }

  function updateNumber(tenantId: string, numberId: string, patch: NumberPatch): Promise<void> {
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      const current = requireNumber(state, numberId);
      const e164 = patch.number === undefined ? current.number : toE164(patch.number, ctx.defaultCountry);
      const profile = normaliseNumberProfile(mergeNumberProfile(current.profile, patch), ctx.defaultCountry);
      const at = ctx.now();
      const events = decideUpdateNumber(state, { numberId, number: e164, profile }, at);
      const holder = { tenantId, ownerId: numberId };
      const renumbered = e164 !== current.number;
      if (renumbered) await streams.claim(numberClaimStream(e164), e164, holder, at, numberStillHeld(e164));
      let position: number;
      try {
        position = await streams.append(tenantStream(tenantId), events, state.revision);
      } catch (error) {
        if (renumbered) await streams.release(numberClaimStream(e164), e164, holder, at);
        throw error;
      }
      if (renumbered) await streams.release(numberClaimStream(current.number), current.number, holder, at);
      await ctx.settle(position);
    });
  }

  function releaseNumber(tenantId: string, numberId: string): Promise<void> {
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      const at = ctx.now();
      const events = decideReleaseNumber(state, numberId, at);
      const { number } = state.numbers.get(numberId)!;
      const position = await streams.append(tenantStream(tenantId), events, state.revision);
      await streams.release(numberClaimStream(number), number, { tenantId, ownerId: numberId }, at);
      await ctx.settle(position);
    });
  }

  return { createTenant, updateTenant, deleteTenant, assignNumber, updateNumber, releaseNumber };
}

export type TenantCommands = ReturnType<typeof createTenantCommands>;
