import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors';
import { isAlive } from './proc';

/**
 * Serialises `up` across processes (say `npm start` and `npm test` at once), so two callers
 * never format or spawn the same stack twice. A lock whose owner died is taken over.
 */
export async function withLock<T>(
  file: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      if (!Number.isInteger(owner) || owner <= 0 || !isAlive(owner)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new StackError(
          `Another \`up\` (pid ${owner}) is still starting the stack; retry later.`,
        );
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
