// Which one-line error a developer gets when the cluster reports several refusals at once: the
// order they arrive in is a race, the message must not be.
import { KafkaFailure, explain } from '../../../clientapp/errors';
import type { ErrorContext } from '../../../clientapp/errors';
import { topics } from '../../../clientapp/generated/topics';

const topic = topics['orders.order-created.v1'];
const ctx = (app: string): ErrorContext => ({
  app,
  role: 'consumer',
  topic,
  topicName: topic.name,
  group: `${app.replace('/', '.')}.g`,
  bootstrap: '127.0.0.1:9092',
});
const refused = (...types: string[]): KafkaFailure =>
  Object.assign(new KafkaFailure(types[0]!, 'refused'), {
    errors: types.slice(1).map((t) => new KafkaFailure(t, 'refused')),
  });

describe('clientapp error explanations', () => {
  it('tells an app that is no consumer of the topic to become one, whichever refusal came first', () => {
    for (const err of [
      refused('GROUP_AUTHORIZATION_FAILED'),
      refused('TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED'),
      refused('GROUP_AUTHORIZATION_FAILED', 'TOPIC_AUTHORIZATION_FAILED'),
    ]) {
      expect(explain(err, ctx('shipping/tracking-api')).message).toBe(
        'shipping/tracking-api is not a consumer of orders.order-created.v1: ' +
          'add it to consumers of order-created in topics/orders.yaml',
      );
    }
  });

  it('blames the group ACL for a declared consumer whose group is refused', () => {
    expect(
      explain(refused('GROUP_AUTHORIZATION_FAILED'), ctx('payments/payment-service')).message,
    ).toBe(
      'payments/payment-service may not use consumer group payments.payment-service.g ' +
        '(denied by the cluster): run the reconciler / apply the catalog (npm start) to create its group ACL',
    );
  });

  it('reports a refused login before anything else, without the password', () => {
    const err = refused('_TRANSPORT', '_AUTHENTICATION');
    expect(
      explain(err, { ...ctx('orders/order-service'), principal: 'orders.order-service' }).message,
    ).toMatch(
      /^authentication failed for orders\.order-service at 127\.0\.0\.1:9092: check KAFKA_SASL_USERNAME/,
    );
  });
});
