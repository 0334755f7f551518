import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { ApiKeyData, TenancyEvent } from './events.js';
import { requireActiveTenant } from './tenantDecider.js';
import type { TenantState, UserState } from './tenantState.js';

const usernamePattern = /^[A-Za-z0-9._@+-]{3,64}$/;

export function checkUsername(username: string): string {
  if (!usernamePattern.test(username)) throw new ValidationError('username', '3–64 characters: letters, digits and . _ @ + -');
  return username;
}

/** Length only: a memory-hard hash makes composition rules less useful than length. */
export function checkPassword(password: string, field = 'password'): string {
  if (password.length < 8 || password.length > 256) throw new ValidationError(field, 'must be 8–256 characters');
  return password;
}

export function requireUser(state: TenantState, userId: string): UserState {
  requireActiveTenant(state);
  const user = state.users.get(userId);
  if (!user) throw new NotFoundError(`user ${userId} not found`, { userId });
  return user;
}

export function decideCreateUser(state: TenantState, command: { userId: string; username: string; passwordHash: string }, at: string): TenancyEvent[] {
  requireActiveTenant(state);
  if (state.users.has(command.userId)) throw new ConflictError(`user ${command.userId} already exists`);
  return [{ type: 'UserCreated', data: { tenantId: state.id, at, ...command } }];
}

export function decideChangePassword(state: TenantState, userId: string, passwordHash: string, at: string): TenancyEvent[] {
  requireUser(state, userId);
  return [{ type: 'UserPasswordChanged', data: { tenantId: state.id, userId, passwordHash, at } }];
}

export function decideSetUserDisabled(state: TenantState, userId: string, disabled: boolean, at: string): TenancyEvent[] {
  const user = requireUser(state, userId);
  if (user.disabled === disabled) return [];
  return [disabled ? { type: 'UserDisabled', data: { tenantId: state.id, userId, at, reason: 'admin' } } : { type: 'UserEnabled', data: { tenantId: state.id, userId, at } }];
}

export function decideDeleteUser(state: TenantState, userId: string, at: string): TenancyEvent[] {
  const user = requireUser(state, userId);
  return [{ type: 'UserDeleted', data: { tenantId: state.id, userId, username: user.username, at } }];
}

export function decideIssueApiKey(state: TenantState, userId: string, key: ApiKeyData, at: string): TenancyEvent[] {
  const user = requireUser(state, userId);
  if (user.disabled) throw new ConflictError(`user ${userId} is disabled`);
  if (key.expiresAt !== null && !(Date.parse(key.expiresAt) > Date.parse(at))) throw new ValidationError('expiresAt', 'must be in the future');
  if (key.label !== null && key.label.length > 100) throw new ValidationError('label', 'at most 100 characters');
  return [{ type: 'ApiKeyIssued', data: { tenantId: state.id, userId, at, ...key } }];
}

/** Revoking twice is not an error: the key is revoked either way. */
export function decideRevokeApiKey(state: TenantState, userId: string, keyId: string, at: string): TenancyEvent[] {
  const key = requireUser(state, userId).apiKeys.get(keyId);
  if (!key) throw new NotFoundError(`API key ${keyId} not found`, { keyId });
  return key.revoked ? [] : [{ type: 'ApiKeyRevoked', data: { tenantId: state.id, userId, keyId, at } }];
}
