import { isTenancyEvent, tenancyEventTypes, type EndpointEventData } from '../src/domain/tenancy/events.js';
import { numberProfileOf, tenantSettingsOf, type EndpointTarget } from '../src/domain/tenancy/types.js';
import { put, remove, type DocumentProjection, type DocumentView, type DocumentWrite } from './documentProjection.js';
import { directoryCollections as C, type ApiKeyView, type EndpointTargetView, type EndpointView, type NumberView, type TenantView, type UserView } from './directoryModel.js';

/** Directory: tenants, numbers, users, API keys (no hashes) and endpoints, for the API's reads. */
export const directoryProjection: DocumentProjection = {
  name: 'directory',
  handles: tenancyEventTypes,
  init: () => [],
  evolve(view, event) {
    if (!isTenancyEvent(event)) return [];
    const { at } = event.data;
    switch (event.type) {
      case 'TenantCreated':
      case 'TenantUpdated': {
        const { tenantId, name, email, settings } = event.data;
        const createdAt = view.get<TenantView>(C.tenants, tenantId)?.createdAt ?? at;
        return [put(C.tenants, tenantId, { id: tenantId, name, email, settings: tenantSettingsOf(settings), createdAt, updatedAt: at, deletedAt: null } satisfies TenantView)];
      }
      case 'TenantDeleted':
        return change<TenantView>(view, C.tenants, event.data.tenantId, (tenant) => ({ ...tenant, updatedAt: at, deletedAt: at }));
      case 'NumberAssigned':
      case 'NumberUpdated': {
        const { tenantId, numberId, number } = event.data;
        const createdAt = view.get<NumberView>(C.numbers, numberId)?.createdAt ?? at;
        return [put(C.numbers, numberId, { id: numberId, tenantId, number, ...numberProfileOf(event.data), createdAt, updatedAt: at } satisfies NumberView)];
      }
      case 'NumberReleased':
        return [remove(C.numbers, event.data.numberId)];
      case 'UserCreated': {
        const { tenantId, userId, username } = event.data;
        return [put(C.users, userId, { id: userId, tenantId, username, disabled: false, createdAt: at, updatedAt: at } satisfies UserView)];
      }
      case 'UserPasswordChanged':
        return change<UserView>(view, C.users, event.data.userId, (user) => ({ ...user, updatedAt: at }));
      case 'UserDisabled':
      case 'UserEnabled':
        return change<UserView>(view, C.users, event.data.userId, (user) => ({ ...user, disabled: event.type === 'UserDisabled', updatedAt: at }));
      case 'UserDeleted':
        return [remove(C.users, event.data.userId)];
      case 'ApiKeyIssued': {
        const { tenantId, userId, keyId, label, prefix, expiresAt } = event.data;
        return [put(C.apiKeys, keyId, { id: keyId, tenantId, userId, label, prefix, createdAt: at, expiresAt, revokedAt: null } satisfies ApiKeyView)];
      }
      case 'ApiKeyRevoked':
        return change<ApiKeyView>(view, C.apiKeys, event.data.keyId, (key) => ({ ...key, revokedAt: key.revokedAt ?? at }));
      case 'EndpointAdded':
      case 'EndpointUpdated': {
        const createdAt = view.get<EndpointView>(C.endpoints, event.data.endpointId)?.createdAt ?? at;
        return [put(C.endpoints, event.data.endpointId, toEndpointView(event.data, createdAt))];
      }
      case 'EndpointDisabled':
        return change<EndpointView>(view, C.endpoints, event.data.endpointId, (endpoint) => ({ ...endpoint, disabled: true, updatedAt: at }));
      case 'EndpointRemoved':
        return [remove(C.endpoints, event.data.endpointId)];
    }
  },
};

function change<T>(view: DocumentView, collection: string, key: string, update: (doc: T) => T): DocumentWrite[] {
  const current = view.get<T>(collection, key);
  return current === undefined ? [] : [put(collection, key, update(current))];
}

function toEndpointView(data: EndpointEventData, createdAt: string): EndpointView {
  const { endpointId, scope, tenantId, numberId, priority, bridge, deliver, at } = data;
  return { id: endpointId, scope, tenantId, numberId, target: hideSecret(data.target), priority, bridge, deliver, disabled: false, createdAt, updatedAt: at };
}

function hideSecret(target: EndpointTarget): EndpointTargetView {
  if (target.kind !== 'webhook') return target;
  return { kind: 'webhook', url: target.url, style: target.style, ...(target.document ? { document: target.document } : {}), ...(target.events ? { events: target.events } : {}), hasSecret: target.secret !== null };
}
