import { configFromEnv, describe as describeConfig, loadConfig } from '../../../clientapp/config';
import { ConfigError } from '../../../clientapp/errors';

const cloud = {
  KAFKA_BOOTSTRAP_SERVERS: 'pkc-1.confluent.cloud:9092',
  KAFKA_SASL_USERNAME: 'KEY',
  KAFKA_SASL_PASSWORD: 'TOPSECRET',
  SCHEMA_REGISTRY_URL: 'https://psrc-1.confluent.cloud',
  SCHEMA_REGISTRY_API_KEY: 'SRKEY',
  SCHEMA_REGISTRY_API_SECRET: 'SRSECRET',
};

describe('clientapp configuration', () => {
  it('reads Confluent Cloud settings from the environment: PLAIN over TLS', () => {
    const config = configFromEnv('orders/order-service', cloud);
    expect(config).toEqual({
      app: 'orders/order-service',
      source: 'env',
      kafka: {
        brokers: ['pkc-1.confluent.cloud:9092'],
        ssl: true,
        sasl: { mechanism: 'plain', username: 'KEY', password: 'TOPSECRET' },
      },
      registry: {
        url: 'https://psrc-1.confluent.cloud',
        auth: { username: 'SRKEY', password: 'SRSECRET' },
      },
    });
  });

  it('defaults to SCRAM-SHA-512 without TLS, like the local stack', () => {
    const config = configFromEnv('orders/order-service', {
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:19092',
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_USERNAME: 'orders.order-service',
      KAFKA_SASL_PASSWORD: 'pw',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
    });
    expect(config?.kafka).toMatchObject({ ssl: false, sasl: { mechanism: 'scram-sha-512' } });
    expect(config?.registry.auth).toBeUndefined();
  });

  it('is not used when KAFKA_BOOTSTRAP_SERVERS is unset', () => {
    expect(configFromEnv('orders/order-service', {})).toBeUndefined();
  });

  it('reports every problem by name, never by value', () => {
    const bad = { ...cloud, KAFKA_SASL_MECHANISM: 'GSSAPI', SCHEMA_REGISTRY_URL: 'TOPSECRET' };
    let error: unknown;
    try {
      configFromEnv('orders/order-service', bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/kafka\.sasl\.mechanism .*; registry\.url /);
    expect((error as Error).message).not.toContain('TOPSECRET');
  });

  it('refuses an app id that is not domain/app', () => {
    expect(() => loadConfig('order-service', { env: cloud })).toThrow(
      'app must be "domain/app", got "order-service"',
    );
  });

  it('describes a configuration without its secrets', () => {
    const text = describeConfig(configFromEnv('orders/order-service', cloud)!);
    expect(text).toBe(
      'orders/order-service as KEY (plain, TLS) on pkc-1.confluent.cloud:9092, ' +
        'registry https://psrc-1.confluent.cloud (with API key) [from environment]',
    );
    expect(text).not.toMatch(/TOPSECRET|SRSECRET/);
  });
});
