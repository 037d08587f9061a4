import { dotenv, exportLines, handOverFor } from '../../../scripts/clientapp-credentials';

const secret = {
  bootstrap_servers: 'pkc-1.eu-west-1.aws.confluent.cloud:9092',
  kafka_api_key: 'KAFKAKEY',
  kafka_api_secret: "s3cr'et",
  schema_registry_url: 'https://psrc-1.eu-west-1.aws.confluent.cloud',
  schema_registry_api_key: 'SRKEY',
  schema_registry_api_secret: 'SRSECRET',
};

describe('clientapp credentials hand-over', () => {
  it('maps the secrets stack secret to the client app variables', () => {
    expect(handOverFor({ secret })).toEqual({
      KAFKA_BOOTSTRAP_SERVERS: 'pkc-1.eu-west-1.aws.confluent.cloud:9092',
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'PLAIN',
      KAFKA_SASL_USERNAME: 'KAFKAKEY',
      KAFKA_SASL_PASSWORD: "s3cr'et",
      SCHEMA_REGISTRY_URL: 'https://psrc-1.eu-west-1.aws.confluent.cloud',
      SCHEMA_REGISTRY_API_KEY: 'SRKEY',
      SCHEMA_REGISTRY_API_SECRET: 'SRSECRET',
    });
  });

  it('takes endpoints from cdktf outputs and accepts camelCase secrets', () => {
    const outputs = {
      'platform-dev': {
        bootstrap_endpoint: 'SASL_SSL://pkc-2.confluent.cloud:9092',
        schema_registry_endpoint: 'https://psrc-2.confluent.cloud',
      },
    };
    const env = handOverFor({
      outputs,
      secret: {
        kafkaApiKey: 'K',
        kafkaApiSecret: 'S',
        registryApiKey: 'RK',
        registryApiSecret: 'RS',
      },
    });
    expect(env.KAFKA_BOOTSTRAP_SERVERS).toBe('pkc-2.confluent.cloud:9092');
    expect(env.SCHEMA_REGISTRY_URL).toBe('https://psrc-2.confluent.cloud');
    expect(env.KAFKA_SASL_USERNAME).toBe('K');
  });

  it('says what is missing without echoing any secret', () => {
    const partial = { ...secret, kafka_api_key: undefined };
    expect(() => handOverFor({ secret: partial })).toThrow(/^no Kafka API key in the secret$/);
    try {
      handOverFor({ secret: partial });
    } catch (err) {
      expect((err as Error).message).not.toMatch(/s3cr|SRSECRET/);
    }
  });

  it('prints shell-safe export lines and a .env file', () => {
    const env = handOverFor({ secret });
    const lines = exportLines('orders/order-service', env);
    expect(lines).toContain(`export KAFKA_SASL_PASSWORD='s3cr'\\''et'`);
    expect(lines.split('\n')[0]).toBe(
      '# orders/order-service: connection for the streamplane client app',
    );
    expect(dotenv('orders/order-service', env)).toContain('KAFKA_SASL_USERNAME="KAFKAKEY"');
  });
});
