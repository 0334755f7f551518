export interface ChannelRequest {
  faxId: string;
  tenantId: string;
  gateway: string;
  /** One call at a time per destination number. */
  destination: string;
  /** Called once when the fax may dial; it must `release` the channel when the call is over. */
  grant: () => void;
}

export interface ChannelLimits {
  /** Concurrent outbound fax calls in total. */
  maxChannels: number;
  /** Concurrent calls per gateway (absent: only the total applies). */
  maxPerGateway?: (gateway: string) => number | undefined;
}

export interface ChannelScheduler {
  request(request: ChannelRequest): void;
  /** Gives the fax's channel back, or takes its request out of the queue. */
  release(faxId: string): void;
  inUse(): number;
  waiting(): number;
  /** Grants what the limits allow now (they may have grown: a FreeSWITCH node came back). */
  wake?(): void;
}

/**
 * Hands out outbound channels: a global limit, per-gateway limits and one call per destination.
 * Waiting faxes queue per tenant and tenants take turns (round robin), so one tenant's batch of
 * a thousand faxes does not hold everyone else's behind it; within a tenant the order is kept,
 * except that a fax whose gateway or destination is busy lets the next one of that tenant go.
 */
export function createChannelScheduler(limits: ChannelLimits): ChannelScheduler {
  const queues = new Map<string, ChannelRequest[]>();
  /** Tenants with waiting faxes, in turn order. */
  const turn: string[] = [];
  const active = new Map<string, ChannelRequest>();
  const perGateway = new Map<string, number>();
  const busyDestinations = new Set<string>();
  let waitingCount = 0;

  const eligible = (request: ChannelRequest) =>
    !busyDestinations.has(request.destination) &&
    (perGateway.get(request.gateway) ?? 0) < (limits.maxPerGateway?.(request.gateway) ?? Number.POSITIVE_INFINITY);

  function pump(): void {
    let idleTurns = 0;
    while (active.size < limits.maxChannels && turn.length > 0 && idleTurns < turn.length) {
      const tenantId = turn.shift()!;
      const queue = queues.get(tenantId)!;
      const index = queue.findIndex(eligible);
      if (index === -1) {
        turn.push(tenantId);
        idleTurns += 1;
        continue;
      }
      idleTurns = 0;
      const [request] = queue.splice(index, 1) as [ChannelRequest];
      waitingCount -= 1;
      if (queue.length > 0) turn.push(tenantId);
      else queues.delete(tenantId);
      active.set(request.faxId, request);
      perGateway.set(request.gateway, (perGateway.get(request.gateway) ?? 0) + 1);
      busyDestinations.add(request.destination);
      request.grant();
    }
  }

  return {
    request(request) {
      let queue = queues.get(request.tenantId);
      if (!queue) {
        queue = [];
        queues.set(request.tenantId, queue);
        turn.push(request.tenantId);
      }
      queue.push(request);
      waitingCount += 1;
      pump();
    },
    release(faxId) {
      const granted = active.get(faxId);
      if (granted) {
        active.delete(faxId);
        perGateway.set(granted.gateway, (perGateway.get(granted.gateway) ?? 1) - 1);
        busyDestinations.delete(granted.destination);
        pump();
        return;
      }
      for (const [tenantId, queue] of queues) {
        const index = queue.findIndex((request) => request.faxId === faxId);
        if (index === -1) continue;
        queue.splice(index, 1);
        waitingCount -= 1;
        if (queue.length === 0) {
          queues.delete(tenantId);
          turn.splice(turn.indexOf(tenantId), 1);
        }
        return;
      }
    },
    inUse: () => active.size,
    waiting: () => waitingCount,
    wake: () => pump(),
  };
}
