// Sample events for every catalog topic, typed by the generated code: a wrong field here is a
// compile error. Keys are the entity id whose events must stay in order (mostly the order id).
import type { topics, TopicName } from './generated/topics';
import type { OutgoingEvent } from './kafka';
import type { ValueOf } from './topic';

type Sample<N extends TopicName> = (
  i: number,
  run: string,
) => OutgoingEvent<ValueOf<(typeof topics)[N]>>;

const at = (i: number): number => Date.UTC(2025, 0, 1) + i * 1000;
const iso = (i: number): string => new Date(at(i)).toISOString();

export const samples: { [N in TopicName]: Sample<N> } = {
  'orders.order-created.v1': (i, run) => {
    const orderId = `${run}-order-${i}`;
    return {
      key: orderId,
      value: {
        orderId,
        customerId: `customer-${i % 7}`,
        placedAt: at(i),
        lines: [
          {
            sku: `SKU-${i % 13}`,
            quantity: 1 + (i % 3),
            unitPrice: { amountMinor: 1250, currency: 'EUR' },
          },
        ],
        total: { amountMinor: 1250 * (1 + (i % 3)), currency: 'EUR' },
        note: i % 5 === 0 ? 'leave at the door' : null,
      },
    };
  },
  'orders.order-status.v1': (i, run) => ({
    key: `${run}-order-${i}`,
    value: { orderId: `${run}-order-${i}`, status: 'PLACED', updatedAt: at(i) },
  }),
  'payments.payment-authorized.v1': (i, run) => ({
    key: `${run}-order-${i}`,
    value: {
      paymentId: `${run}-payment-${i}`,
      orderId: `${run}-order-${i}`,
      amount: { amountMinor: 2500, currency: 'EUR' },
      method: 'CARD',
      authorizedAt: iso(i),
    },
  }),
  'payments.refund-issued.v1': (i, run) => ({
    key: `${run}-order-${i}`,
    value: {
      refundId: `${run}-refund-${i}`,
      paymentId: `${run}-payment-${i}`,
      orderId: `${run}-order-${i}`,
      amount: { amountMinor: 2500, currency: 'EUR' },
      reason: 'cancelled',
    },
  }),
  'platform.reconciliation-requests.v1': (i, run) => ({
    key: `${run}-request-${i}`,
    value: { requestId: `${run}-request-${i}`, environment: 'local', dryRun: true },
  }),
  'platform.reconciliations.v1': (i, run) => ({
    key: `${run}-pass-${i}`,
    value: {
      id: `${run}-pass-${i}`,
      environment: 'local',
      state: 'accepted',
      source: 'api',
      mode: 'observe',
      acceptedAt: iso(i),
    },
  }),
  'platform.reconciler-events.v1': (i, run) => ({
    key: `${run}-pass-${i}`,
    value: {
      reconciliationId: `${run}-pass-${i}`,
      environment: 'local',
      command: 'create-topic',
      resource: 'orders.order-created.v1',
      outcome: 'succeeded',
      at: iso(i),
    },
  }),
  'platform.reconciler-errors.v1': (i, run) => ({
    key: `${run}-pass-${i}`,
    value: {
      reconciliationId: `${run}-pass-${i}`,
      environment: 'local',
      command: 'create-acl',
      resource: 'orders.order-created.v1',
      outcome: 'failed',
      error: 'example',
      at: iso(i),
    },
  }),
  'platform.reconciler-summary.v1': (i, run) => ({
    key: `${run}-pass-${i}`,
    value: {
      reconciliationId: `${run}-pass-${i}`,
      environment: 'local',
      mode: 'observe',
      state: 'succeeded',
      drift: 0,
      commands: 0,
      failed: 0,
      at: iso(i),
    },
  }),
  'shipping.shipment-dispatched.v1': (i, run) => ({
    key: `${run}-order-${i}`,
    value: {
      shipmentId: `${run}-shipment-${i}`,
      orderId: `${run}-order-${i}`,
      carrier: 'DHL',
      trackingNumber: `TN${1000 + i}`,
      destination: {
        line1: '1 Main St',
        line2: '',
        postalCode: '1000',
        city: 'Brussels',
        country: 'BE',
      },
      dispatchedAt: { seconds: Math.floor(at(i) / 1000), nanos: 0 },
    },
  }),
};

export function sampleEvents<N extends TopicName>(
  topic: N,
  count: number,
  run: string,
): OutgoingEvent<ValueOf<(typeof topics)[N]>>[] {
  const make = samples[topic] as Sample<N>;
  return Array.from({ length: count }, (_, i) => make(i, run));
}
