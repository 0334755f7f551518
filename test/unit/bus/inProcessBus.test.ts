import { createInProcessBus } from '../../../src/adapters/inProcessBus/inProcessBus.js';
import { busContract } from '../../integration/bus/busContract.js';

busContract('in-process bus', { open: () => createInProcessBus({ redeliveryFirstDelayMs: 10 }), timeoutMs: 5_000 });
