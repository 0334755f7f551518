import pino from 'pino';
import { createKafkaBus } from '../../../src/adapters/kafka/kafkaBus.js';
import { testKafkaBrokers } from '../../support/kafkaBroker.js';
import { busContract } from './busContract.js';

busContract('Kafka bus', {
  open: () =>
    createKafkaBus({
      brokers: testKafkaBrokers(),
      clientId: 'faxengine-contract-test',
      logger: pino({ level: 'silent' }),
      redeliveryFirstDelayMs: 10,
      sessionTimeoutMs: 6_000,
    }),
  timeoutMs: 25_000,
});
