// `up` for a person at a terminal (local:up and npm start): progress, Ctrl-C stops what this
// run started, and a summary of where everything is. Never prints a password.
import { up } from './stack';
import type { LocalStackInfo, UpOptions } from './stack';

export function printInfo(info: LocalStackInfo): void {
  const verb = info.started.length > 0 ? `Started ${info.started.join(' + ')}` : 'Already running';
  console.log(`${verb} (Kafka ${info.versions.kafka}, Apicurio ${info.versions.apicurio}).`);
  console.log(`  Kafka bootstrap   ${info.bootstrap}  (SASL_PLAINTEXT, SCRAM-SHA-512)`);
  console.log(`  Schema registry   ${info.registryUrl}`);
  console.log(
    `  Credentials       ${info.credentialsFile}  (SCRAM users; ${info.adminUser} is the super user)`,
  );
  console.log(`  Logs              ${info.logs.kafka}, ${info.logs.registry}`);
}

/** Brings the stack up; undefined when interrupted (everything this run started is stopped). */
export async function upInteractive(
  opts: Omit<UpOptions, 'signal' | 'log'>,
): Promise<LocalStackInfo | undefined> {
  const interrupt = new AbortController();
  const onSignal = (): void => {
    console.error('\nInterrupted: stopping what this run started...');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const started = Date.now();
    const info = await up({ ...opts, signal: interrupt.signal, log: (m) => console.log(m) });
    if (interrupt.signal.aborted) return undefined;
    printInfo(info);
    if (info.started.length > 0) {
      const each = Object.entries(info.readyMs).map(
        ([s, ms]) => `${s} ${(ms / 1000).toFixed(1)} s`,
      );
      console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${each.join(', ')}).`);
    }
    return info;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
