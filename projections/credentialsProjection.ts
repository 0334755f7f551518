import { isTenancyEvent, type TenancyEventType } from '../src/domain/tenancy/events.js';
import { put, remove, type DocumentProjection } from './documentProjection.js';

/** Documents the authenticator reads: password hashes by user name, API key hashes. */
export const credentialsCollections = {
  /** userId → Login */
  logins: 'logins',
  /** lower-cased user name → userId */
  usernames: 'usernames',
  /** SHA-256 of the key → ApiKeyCredential (revoked keys are removed) */
  apiKeys: 'apiKeys',
  /** keyId → SHA-256 of the key, to find the credential a revocation removes */
  apiKeyHashes: 'apiKeyHashes',
} as const;

export interface Login {
  userId: string;
  tenantId: string;
  username: string;
  passwordHash: string;
  disabled: boolean;
}

export interface ApiKeyCredential {
  keyId: string;
  userId: string;
  tenantId: string;
  expiresAt: string | null;
}

const C = credentialsCollections;
const handles: TenancyEventType[] = ['UserCreated', 'UserPasswordChanged', 'UserDisabled', 'UserEnabled', 'UserDeleted', 'ApiKeyIssued', 'ApiKeyRevoked'];

export const credentialsProjection: DocumentProjection = {
  name: 'credentials',
  handles,
  init: () => [],
  evolve(view, event) {
    if (!isTenancyEvent(event)) return [];
    switch (event.type) {
      case 'UserCreated': {
        const { userId, tenantId, username, passwordHash } = event.data;
        return [put(C.logins, userId, { userId, tenantId, username, passwordHash, disabled: false } satisfies Login), put(C.usernames, username.toLowerCase(), userId)];
      }
      case 'UserPasswordChanged':
      case 'UserDisabled':
      case 'UserEnabled': {
        const login = view.get<Login>(C.logins, event.data.userId);
        if (!login) return [];
        const next =
          event.type === 'UserPasswordChanged' ? { ...login, passwordHash: event.data.passwordHash } : { ...login, disabled: event.type === 'UserDisabled' };
        return [put(C.logins, login.userId, next)];
      }
      case 'UserDeleted':
        return [remove(C.logins, event.data.userId), remove(C.usernames, event.data.username.toLowerCase())];
      case 'ApiKeyIssued': {
        const { keyId, userId, tenantId, expiresAt, keyHash } = event.data;
        return [put(C.apiKeys, keyHash, { keyId, userId, tenantId, expiresAt } satisfies ApiKeyCredential), put(C.apiKeyHashes, keyId, keyHash)];
      }
      case 'ApiKeyRevoked': {
        const hash = view.get<string>(C.apiKeyHashes, event.data.keyId);
        return hash === undefined ? [] : [remove(C.apiKeys, hash), remove(C.apiKeyHashes, event.data.keyId)];
      }
    }
    return [];
  },
};
