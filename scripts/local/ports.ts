import net from 'node:net';
import { DEFAULT_LOCAL_PORTS } from '../../shared/local-stack';
import { StackError } from './errors';

export interface Ports {
  kafka: number;
  controller: number;
  registry: number;
}

export const DEFAULT_PORTS: Ports = { ...DEFAULT_LOCAL_PORTS };

const ENV: Record<keyof Ports, string> = {
  kafka: 'STREAMPLANE_KAFKA_PORT',
  controller: 'STREAMPLANE_CONTROLLER_PORT',
  registry: 'STREAMPLANE_REGISTRY_PORT',
};

export const PORT_FLAG: Record<keyof Ports, string> = {
  kafka: '--kafka-port',
  controller: '--controller-port',
  registry: '--registry-port',
};

/**
 * Explicit options win over environment variables, which win over `fallback`: the defaults, or
 * the ports a stack was recorded with.
 */
export function resolvePorts(
  overrides: Partial<Ports> = {},
  env: NodeJS.ProcessEnv = process.env,
  fallback: Ports = DEFAULT_PORTS,
): Ports {
  const pick = (key: keyof Ports): number => {
    const raw = overrides[key] ?? env[ENV[key]];
    return raw === undefined ? fallback[key] : parsePort(String(raw), ENV[key]);
  };
  return { kafka: pick('kafka'), controller: pick('controller'), registry: pick('registry') };
}

export function parsePort(raw: string, what: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StackError(`${what} must be a port number between 1 and 65535, got "${raw}".`);
  }
  return port;
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: Partial<Ports>): Promise<void> {
  for (const [key, port] of Object.entries(ports) as [keyof Ports, number][]) {
    if (!(await isPortFree(port))) {
      throw new StackError(
        `Port ${port} (${key}) on 127.0.0.1 is already in use by another program. ` +
          `Stop that program or pick another port with ${PORT_FLAG[key]} N ` +
          `(or ${ENV[key]}=N).`,
      );
    }
  }
}

/** A port the OS considers free right now; for tests that need a second, isolated stack. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
