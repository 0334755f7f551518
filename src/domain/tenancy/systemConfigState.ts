import type { TenancyEvent } from './events.js';
import { ownerOf, type EndpointState } from './tenantState.js';
import { endpointSettingsOf } from './types.js';

/** `system-config` folded: the global endpoints. */
export interface SystemConfigState {
  endpoints: Map<string, EndpointState>;
  revision: number | 'no_stream';
}

export function foldSystemConfig(events: readonly TenancyEvent[]): SystemConfigState {
  const state: SystemConfigState = { endpoints: new Map(), revision: 'no_stream' };
  for (const event of events) {
    if (event.type === 'EndpointAdded' || event.type === 'EndpointUpdated') {
      const { endpointId } = event.data;
      state.endpoints.set(endpointId, { id: endpointId, owner: ownerOf(event.data), settings: endpointSettingsOf(event.data), disabled: false });
    } else if (event.type === 'EndpointRemoved') {
      state.endpoints.delete(event.data.endpointId);
    }
  }
  return state;
}
