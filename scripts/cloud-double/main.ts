// The double's process (started detached by `cli.ts up`): serves until SIGTERM, then writes
// nothing more and exits. Its address and Cloud API key go where service.ts says.
import fs from 'node:fs';
import { ADMIN_USER, currentStack, readCredentials, saslFor } from '../local/stack';
import { startCloudDouble } from './server';
import { doublePaths } from './service';

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const paths = doublePaths();
  const stack = currentStack({ root: paths.stackRoot });
  const double = await startCloudDouble({
    port,
    stateFile: paths.stateFile,
    kafka: {
      brokers: [stack.bootstrap],
      sasl: saslFor(readCredentials(stack.credentialsFile), ADMIN_USER),
    },
    registryUrl: stack.registryUrl,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  fs.writeFileSync(
    paths.credentialsFile,
    `${JSON.stringify({ key: double.cloudApiKey.key, secret: double.cloudApiKey.secret })}\n`,
    { mode: 0o600 },
  );
  fs.writeFileSync(
    paths.addressFile,
    `${JSON.stringify({ url: double.url, port: double.port })}\n`,
  );
  console.log(`${new Date().toISOString()} serving on ${double.url}`);
  const stop = (): void => {
    void double.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(`cloud double failed to start: ${(err as Error).message}`);
  process.exit(1);
});
