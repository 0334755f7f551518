import { describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../../src/adapters/inProcessBus/inProcessBus.js';
import { busContract } from '../../integration/bus/busContract.js';

busContract('in-process bus', { open: () => createInProcessBus({ redeliveryFirstDelayMs: 10 }), timeoutMs: 5_000 });

describe('in-process bus retention', () => {
  it('keeps the newest 1,000 messages per partition for a group that joins later (trimmed 256 at a time), and no more', async () => {
    const bus = createInProcessBus();
    await bus.ensureTopic('faxes', { partitions: 1 });
    for (let index = 0; index < 5_000; index++) await bus.publish('faxes', [{ key: 'fax-1', value: `message ${index}`, headers: {} }]);
    const received: string[] = [];
    const subscription = await bus.subscribe({ topic: 'faxes', group: 'late', fromBeginning: true, handler: async (message) => void received.push(message.value.toString()) });
    for (let tries = 0; tries < 200 && received.at(-1) !== 'message 4999'; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    await bus.close();
    expect(received.length).toBeGreaterThanOrEqual(1_000);
    expect(received.length).toBeLessThan(1_256);
    expect(received).toEqual(Array.from({ length: received.length }, (_, index) => `message ${5_000 - received.length + index}`));
  });
});
