import type { T38Setting } from '../fax/inboundScreening.js';
import type { GatewayRole } from '../tenancy/types.js';
import type { FaxQueuedData } from './outboundFaxEvents.js';

/**
 * T.38 for a fax's calls, from the `fax.t38.<role>` settings of the gateways it is dialled through
 * (a relay to a tenant's PBX: `pbx`; everything else goes out through carriers: `upstream`):
 * `t38` = FreeSWITCH may use T.38 (`fax_enable_t38`), `request` = it asks for it with its own
 * re-INVITE (`fax_enable_t38_request`), which means nothing with T.38 off. A station known to fail
 * with T.38 gets audio whatever the gateway allows.
 */
export function outboundT38(
  queued: Pick<FaxQueuedData, 'gatewayRole'>,
  settings: Readonly<Record<GatewayRole, T38Setting>>,
  stationNeedsAudio: boolean,
): { t38: boolean; request: boolean } {
  const setting = settings[queued.gatewayRole ?? 'upstream'];
  const t38 = setting.enabled && !stationNeedsAudio;
  return { t38, request: t38 && setting.request };
}
