import type { EndpointPatch, EndpointScope, EndpointTargetInput } from '../../../domain/tenancy/types.js';

type GatewayInput = { kind: 'gateway'; gateway: string; sourceIps: string[]; role?: 'upstream' | 'pbx' };
type TargetInput = GatewayInput | Exclude<EndpointTargetInput, { kind: 'gateway' }>;

/** Global gateways are carriers; gateways of tenants and numbers are PBXes, unless the client says otherwise. */
export function toEndpointPatch(input: { target?: TargetInput; priority?: number; bridge?: boolean; deliver?: boolean }, scope: EndpointScope): EndpointPatch {
  const { target, ...rest } = input;
  if (!target) return rest;
  if (target.kind !== 'gateway') return { ...rest, target };
  return { ...rest, target: { ...target, role: target.role ?? (scope === 'global' ? 'upstream' : 'pbx') } };
}
