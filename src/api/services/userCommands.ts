import { usernameClaimStream } from '../../domain/tenancy/claims.js';
import {
  checkPassword,
  checkUsername,
  decideChangePassword,
  decideCreateUser,
  decideDeleteUser,
  decideIssueApiKey,
  decideRevokeApiKey,
  decideSetUserDisabled,
  requireUser,
} from '../../domain/tenancy/userDecider.js';
import { requireActiveTenant } from '../../domain/tenancy/tenantDecider.js';
import { tenantStream } from '../../domain/streams.js';
import { ValidationError } from '../../domain/errors.js';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../auth/apiKeys.js';
import type { CommandContext } from './commandContext.js';

/** Admin-chosen keys (the original's `api_key`) are weaker than generated ones; at least refuse trivial ones. */
export function checkSuppliedApiKey(key: string): void {
  if (key.length < 8 || key.length > 200) throw new ValidationError('api_key', 'must be 8–200 characters');
}

export interface IssuedApiKey {
  keyId: string;
  /** The key itself: returned once, never stored. */
  key: string;
}

/** User and API key commands. Passwords are hashed before queueing, so a slow KDF never blocks other commands. */
export function createUserCommands(ctx: CommandContext) {
  const { streams } = ctx;

  const usernameStillHeld = async (holder: { tenantId: string; ownerId: string }) => (await streams.loadTenant(holder.tenantId)).users.has(holder.ownerId);

  async function createUser(tenantId: string, input: { username: string; password: string }): Promise<string> {
    const username = checkUsername(input.username);
    const passwordHash = await ctx.hashPassword(checkPassword(input.password));
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      requireActiveTenant(state);
      const userId = await streams.allocateId('user');
      const at = ctx.now();
      const events = decideCreateUser(state, { userId, username, passwordHash }, at);
      const holder = { tenantId, ownerId: userId };
      await streams.claim(usernameClaimStream(username), username, holder, at, usernameStillHeld);
      try {
        await ctx.settle(await streams.append(tenantStream(tenantId), events, state.revision));
      } catch (error) {
        await streams.release(usernameClaimStream(username), username, holder, at);
        throw error;
      }
      return userId;
    });
  }

  async function updateUser(tenantId: string, userId: string, patch: { password?: string; disabled?: boolean }): Promise<void> {
    const passwordHash = patch.password === undefined ? undefined : await ctx.hashPassword(checkPassword(patch.password));
    await ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      requireUser(state, userId);
      const at = ctx.now();
      const events = [
        ...(passwordHash === undefined ? [] : decideChangePassword(state, userId, passwordHash, at)),
        ...(patch.disabled === undefined ? [] : decideSetUserDisabled(state, userId, patch.disabled, at)),
      ];
      await ctx.settle(await streams.append(tenantStream(tenantId), events, state.revision));
    });
  }

  function deleteUser(tenantId: string, userId: string): Promise<void> {
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      const at = ctx.now();
      const events = decideDeleteUser(state, userId, at);
      const { username } = state.users.get(userId)!;
      const position = await streams.append(tenantStream(tenantId), events, state.revision);
      await streams.release(usernameClaimStream(username), username, { tenantId, ownerId: userId }, at);
      await ctx.settle(position);
    });
  }

  /** `suppliedKey` keeps the original's admin-chosen `api_key` working; it is stored hashed like any other key. */
  function issueApiKey(tenantId: string, userId: string, input: { label?: string | null; expiresAt?: string | null; suppliedKey?: string }): Promise<IssuedApiKey> {
    if (input.suppliedKey !== undefined) checkSuppliedApiKey(input.suppliedKey);
    const key = input.suppliedKey ?? generateApiKey();
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      requireUser(state, userId);
      const keyId = await streams.allocateId('apikey');
      const data = { keyId, label: input.label ?? null, keyHash: hashApiKey(key), prefix: apiKeyDisplayPrefix(key), expiresAt: input.expiresAt ?? null };
      await ctx.settle(await streams.append(tenantStream(tenantId), decideIssueApiKey(state, userId, data, ctx.now()), state.revision));
      return { keyId, key };
    });
  }

  function revokeApiKey(tenantId: string, userId: string, keyId: string): Promise<void> {
    return ctx.serial(async () => {
      const state = await streams.loadTenant(tenantId);
      await ctx.settle(await streams.append(tenantStream(tenantId), decideRevokeApiKey(state, userId, keyId, ctx.now()), state.revision));
    });
  }

  return { createUser, updateUser, deleteUser, issueApiKey, revokeApiKey };
}

export type UserCommands = ReturnType<typeof createUserCommands>;
