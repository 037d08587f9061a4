// The platform team's hand-over to a developer: one app's connection settings as environment
// variables, from the deployed stacks.
//
//   cdktf output --outputs-file outputs.json
//   aws secretsmanager get-secret-value --secret-id acme-streaming/dev/orders/order-service \
//     --query SecretString --output text > secret.json
//   npx tsx scripts/clientapp-credentials.ts --app orders/order-service \
//     --outputs outputs.json --secret secret.json [--env-file clientapp.env]
//
// Prints `export …` lines (or writes a .env file, mode 0600). The secret (the app's own Secrets
// Manager entry) has the keys; the outputs file supplies endpoints the secret lacks.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { asksForHelp } from '../shared/cli';
import { z } from 'zod';
import { CLIENT_VARS } from '../clientapp/config';

/** The secrets stack writes snake_case keys; camelCase is accepted too. */
const secretShape = z
  .object({
    bootstrap_servers: z.string().optional(),
    bootstrap: z.string().optional(),
    kafka_api_key: z.string().optional(),
    kafkaApiKey: z.string().optional(),
    kafka_api_secret: z.string().optional(),
    kafkaApiSecret: z.string().optional(),
    schema_registry_url: z.string().optional(),
    registryUrl: z.string().optional(),
    schema_registry_api_key: z.string().optional(),
    registryApiKey: z.string().optional(),
    schema_registry_api_secret: z.string().optional(),
    registryApiSecret: z.string().optional(),
  })
  .transform((s) => ({
    bootstrap: s.bootstrap_servers ?? s.bootstrap,
    kafkaApiKey: s.kafka_api_key ?? s.kafkaApiKey,
    kafkaApiSecret: s.kafka_api_secret ?? s.kafkaApiSecret,
    registryUrl: s.schema_registry_url ?? s.registryUrl,
    registryApiKey: s.schema_registry_api_key ?? s.registryApiKey,
    registryApiSecret: s.schema_registry_api_secret ?? s.registryApiSecret,
  }));

/** `cdktf output --outputs-file`: { "<stack>": { "<output>": value } }. */
const outputsShape = z.record(z.string(), z.record(z.string(), z.unknown()));

/** What the client app reads (its contract, clientapp/config.ts), as the hand-over writes it. */
const handOver = z.object({
  [CLIENT_VARS.bootstrap]: z.string().min(1, 'no bootstrap servers (secret or outputs)'),
  [CLIENT_VARS.securityProtocol]: z.literal('SASL_SSL'),
  [CLIENT_VARS.saslMechanism]: z.literal('PLAIN'),
  [CLIENT_VARS.saslUsername]: z.string().min(1, 'no Kafka API key in the secret'),
  [CLIENT_VARS.saslPassword]: z.string().min(1, 'no Kafka API secret in the secret'),
  [CLIENT_VARS.registryUrl]: z.url('no schema registry URL (secret or outputs)'),
  [CLIENT_VARS.registryApiKey]: z.string().min(1, 'no registry API key in the secret'),
  [CLIENT_VARS.registryApiSecret]: z.string().min(1, 'no registry API secret in the secret'),
});

export type HandOver = z.infer<typeof handOver>;

/** First output of that name in any stack (the platform stack's endpoints). */
function output(
  outputs: z.infer<typeof outputsShape> | undefined,
  name: string,
): string | undefined {
  for (const stack of Object.values(outputs ?? {})) {
    const v = stack[name];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

export function handOverFor(input: { secret?: unknown; outputs?: unknown }): HandOver {
  const secret = input.secret === undefined ? undefined : secretShape.parse(input.secret);
  const outputs = input.outputs === undefined ? undefined : outputsShape.parse(input.outputs);
  const bootstrap = secret?.bootstrap ?? output(outputs, 'bootstrap_endpoint') ?? '';
  const result = handOver.safeParse({
    [CLIENT_VARS.bootstrap]: bootstrap.replace(/^SASL_SSL:\/\//, ''),
    [CLIENT_VARS.securityProtocol]: 'SASL_SSL',
    [CLIENT_VARS.saslMechanism]: 'PLAIN',
    [CLIENT_VARS.saslUsername]: secret?.kafkaApiKey ?? '',
    [CLIENT_VARS.saslPassword]: secret?.kafkaApiSecret ?? '',
    [CLIENT_VARS.registryUrl]:
      secret?.registryUrl ?? output(outputs, 'schema_registry_endpoint') ?? '',
    [CLIENT_VARS.registryApiKey]: secret?.registryApiKey ?? '',
    [CLIENT_VARS.registryApiSecret]: secret?.registryApiSecret ?? '',
  });
  if (!result.success) {
    // Messages only, never values: these are secrets.
    throw new Error(result.error.issues.map((i) => i.message).join('; '));
  }
  return result.data;
}

const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;

export function exportLines(app: string, env: HandOver): string {
  return [
    `# ${app}: connection for the streamplane client app`,
    ...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`),
    '',
  ].join('\n');
}

export function dotenv(app: string, env: HandOver): string {
  return [`# ${app}`, ...Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`), ''].join(
    '\n',
  );
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

function main(): number {
  const USAGE =
    'usage: npm run clientapp:credentials -- --app domain/app [--outputs outputs.json] ' +
    '[--secret secret.json] [--env-file FILE]';
  if (asksForHelp(process.argv.slice(2))) {
    console.log(USAGE);
    return 0;
  }
  let values;
  try {
    values = parseArgs({
      options: {
        app: { type: 'string' },
        outputs: { type: 'string' },
        secret: { type: 'string' },
        'env-file': { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.app || (!values.secret && !values.outputs)) {
    console.error(USAGE);
    return 2;
  }
  try {
    const env = handOverFor({
      ...(values.secret ? { secret: readJson(values.secret) } : {}),
      ...(values.outputs ? { outputs: readJson(values.outputs) } : {}),
    });
    if (values['env-file']) {
      fs.writeFileSync(values['env-file'], dotenv(values.app, env), { mode: 0o600 });
      fs.chmodSync(values['env-file'], 0o600);
      console.error(`wrote ${values['env-file']} (0600) for ${values.app}`);
    } else {
      process.stdout.write(exportLines(values.app, env));
    }
    return 0;
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main();
