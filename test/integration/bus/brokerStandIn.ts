import type { Bus } from '../../../src/ports/bus.js';

/**
 * A bus (the in-process one) as a Kafka broker looks to a publisher: `publish` is the test's own,
 * and it cannot tell whether anyone reads a topic (no `hasConsumers`), so everything is published.
 */
export function brokerStandIn(inner: Bus, publish: Bus['publish']): Bus {
  return {
    ensureTopic: (name, options) => inner.ensureTopic(name, options),
    subscribe: (options) => inner.subscribe(options),
    close: () => inner.close(),
    publish,
  };
}
