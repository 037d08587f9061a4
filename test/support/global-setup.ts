// Reuses a running local stack or starts one; teardown stops only what this run started. Temp
// files go under one folder per run (test/support/temp-root.ts).
import { loadLocalUsers } from '../../scripts/local/principals';
import { up } from '../../scripts/local/stack';
import type { Service } from '../../scripts/local/stack';
import { TEST_APP } from './local';
import { useTempRoot } from './temp-root';

export const STARTED_KEY = '__streamplaneStartedServices';

export default async function globalSetup(): Promise<void> {
  useTempRoot();
  const users = loadLocalUsers();
  const info = await up({
    principals: [...users.principals, TEST_APP],
    ownedUsers: users.ownedUsers,
    log: (m) => console.log(`[local-stack] ${m}`),
  });
  (globalThis as Record<string, unknown>)[STARTED_KEY] = info.started satisfies Service[];
  if (info.started.length > 0) {
    console.log(`[local-stack] started ${info.started.join(' + ')} for this test run`);
  }
}
