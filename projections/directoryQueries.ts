import type { QueryView } from './documentProjection.js';
import { directoryCollections as C, type ApiKeyView, type EndpointView, type NumberView, type TenantView, type UserView } from './directoryModel.js';
import type { EndpointKind, EndpointScope } from '../src/domain/tenancy/types.js';
import { naturalCompare } from '../src/domain/naturalCompare.js';

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

const byId = (a: { id: string }, b: { id: string }) => naturalCompare(a.id, b.id);

function page<T extends { id: string }>(items: Iterable<T>, keep: (item: T) => boolean, request: PageRequest): Page<T> {
  const matching = [...items].filter(keep).sort(byId);
  return { items: matching.slice(request.offset, request.offset + request.limit), total: matching.length, limit: request.limit, offset: request.offset };
}

/** Deleted tenants are kept for history but are not found by reads. */
export function findTenant(view: QueryView, tenantId: string): TenantView | undefined {
  const tenant = view.get<TenantView>(C.tenants, tenantId);
  return tenant && tenant.deletedAt === null ? tenant : undefined;
}

export function listTenants(view: QueryView, filter: { name?: string; includeDeleted?: boolean; ids?: readonly string[] }, request: PageRequest): Page<TenantView> {
  const name = filter.name?.toLowerCase();
  return page(
    view.all<TenantView>(C.tenants),
    (tenant) =>
      (filter.includeDeleted || tenant.deletedAt === null) &&
      (name === undefined || tenant.name.toLowerCase().includes(name)) &&
      (filter.ids === undefined || filter.ids.includes(tenant.id)),
    request,
  );
}

export function findNumber(view: QueryView, numberId: string): NumberView | undefined {
  return view.get<NumberView>(C.numbers, numberId);
}

export function listNumbers(view: QueryView, filter: { tenantId?: string; number?: string; direction?: string }, request: PageRequest): Page<NumberView> {
  return page(
    view.all<NumberView>(C.numbers),
    (number) =>
      (filter.tenantId === undefined || number.tenantId === filter.tenantId) &&
      (filter.number === undefined || number.number === filter.number) &&
      (filter.direction === undefined || number.direction === filter.direction),
    request,
  );
}

export function findUser(view: QueryView, userId: string): UserView | undefined {
  return view.get<UserView>(C.users, userId);
}

export function listUsers(view: QueryView, filter: { tenantId?: string; username?: string; disabled?: boolean }, request: PageRequest): Page<UserView> {
  const username = filter.username?.toLowerCase();
  return page(
    view.all<UserView>(C.users),
    (user) =>
      (filter.tenantId === undefined || user.tenantId === filter.tenantId) &&
      (username === undefined || user.username.toLowerCase().includes(username)) &&
      (filter.disabled === undefined || user.disabled === filter.disabled),
    request,
  );
}

export function findApiKey(view: QueryView, keyId: string): ApiKeyView | undefined {
  return view.get<ApiKeyView>(C.apiKeys, keyId);
}

export function listApiKeys(view: QueryView, userId: string, request: PageRequest): Page<ApiKeyView> {
  return page(view.all<ApiKeyView>(C.apiKeys), (key) => key.userId === userId, request);
}

export function findEndpoint(view: QueryView, endpointId: string): EndpointView | undefined {
  return view.get<EndpointView>(C.endpoints, endpointId);
}

export function listEndpoints(
  view: QueryView,
  filter: { tenantId?: string; numberId?: string; scope?: EndpointScope; kind?: EndpointKind },
  request: PageRequest,
): Page<EndpointView> {
  return page(
    view.all<EndpointView>(C.endpoints),
    (endpoint) =>
      (filter.tenantId === undefined || endpoint.tenantId === filter.tenantId) &&
      (filter.numberId === undefined || endpoint.numberId === filter.numberId) &&
      (filter.scope === undefined || endpoint.scope === filter.scope) &&
      (filter.kind === undefined || endpoint.target.kind === filter.kind),
    request,
  );
}
