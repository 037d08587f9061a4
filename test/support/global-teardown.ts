import { down } from '../../scripts/local/stack';
import type { Service } from '../../scripts/local/stack';
import { STARTED_KEY } from './global-setup';
import { removeTempRoot } from './temp-root';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)[STARTED_KEY] as Service[] | undefined;
  if (started && started.length > 0) await down({ services: started });
  removeTempRoot();
}
