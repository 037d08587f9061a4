// One level-triggered pass: read actual state, diff with desired, apply (enforce) or only report
// (observe), then read again to verify. Used by the CLI, the service loop and the benchmark.
import { randomUUID } from 'node:crypto';
import type { ApplyOptions, CommandResult } from './apply/executor';
import type { Clients } from './cluster/clients';
import { applyPlan } from './apply/executor';
import type { Plan } from './plan/commands';
import { commandKey } from './plan/commands';
import { plan as diff } from './plan/planner';
import type { ActualState, ReadOptions } from './state/actual';
import { readActual } from './state/actual';
import type { DesiredState } from './state/desired';
import { sleep } from './util/limit';

export type Mode = 'enforce' | 'observe';

export interface PassReport {
  readonly id: string;
  readonly environment: string;
  readonly mode: Mode;
  readonly state: 'succeeded' | 'failed';
  readonly startedAt: string;
  readonly durationMs: number;
  /** The plan the pass started from. */
  readonly plan?: Plan;
  readonly results: readonly CommandResult[];
  /** What is still to do after applying (enforce): empty when converged. */
  readonly remaining?: Plan;
  /** Drift found at the start of the pass. */
  readonly drift: number;
  readonly counts: { commands: number; succeeded: number; failed: number; skipped: number };
  /** Protocol requests: Kafka admin and schema registry. */
  readonly roundTrips: { admin: number; registry: number };
  /** A pass-level failure (cluster unreachable, catalog broken). */
  readonly error?: string;
}

export interface PassOptions extends ApplyOptions {
  readonly mode: Mode;
  readonly id?: string;
  /** Called once the plan is known, before anything is applied. */
  readonly onPlan?: (plan: Plan) => void;
  /**
   * How long verification keeps re-reading while the broker catches up: ACLs reach the
   * authorizer through the metadata log, behind the topics created just before (about 9 s after
   * 1,000 new topics on the local broker).
   */
  readonly verifyTimeoutMs?: number;
}

export async function readAndPlan(
  desired: DesiredState,
  clients: Clients,
  read: ReadOptions = {},
): Promise<{ plan: Plan; actual: ActualState }> {
  const actual = await readActual(clients.admin, clients.registry, desired, read);
  return { plan: diff(desired, actual), actual };
}

export async function reconcilePass(
  desired: DesiredState | (() => DesiredState),
  clients: Clients,
  opts: PassOptions,
): Promise<PassReport> {
  const id = opts.id ?? randomUUID();
  const started = Date.now();
  const admin0 = clients.admin.roundTrips.total;
  const registry0 = clients.registry.requests;
  let plan: Plan | undefined;
  let remaining: Plan | undefined;
  let results: CommandResult[] = [];
  let error: string | undefined;
  try {
    const want = typeof desired === 'function' ? desired() : desired;
    plan = (await readAndPlan(want, clients)).plan;
    opts.onPlan?.(plan);
    if (opts.mode === 'enforce' && plan.commands.length > 0) {
      results = await applyPlan(plan, clients, opts);
      remaining = await verify(want, clients, plan, results, opts.verifyTimeoutMs ?? 30_000);
    }
  } catch (err) {
    error = (err as Error).message;
  }
  const count = (o: CommandResult['outcome']): number =>
    results.filter((r) => r.outcome === o).length;
  const failed = count('failed');
  const unconverged = (remaining?.commands.length ?? 0) > 0;
  if (!error && unconverged && failed === 0 && count('skipped') === 0)
    error = `${remaining?.commands.length} command(s) still planned after applying`;
  return {
    id,
    environment: plan?.environment ?? '',
    mode: opts.mode,
    state: error || failed > 0 || count('skipped') > 0 ? 'failed' : 'succeeded',
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    ...(plan ? { plan } : {}),
    results,
    ...(remaining ? { remaining } : {}),
    drift: plan?.drift ?? 0,
    counts: {
      commands: plan?.commands.length ?? 0,
      succeeded: count('succeeded'),
      failed,
      skipped: count('skipped'),
    },
    roundTrips: {
      admin: clients.admin.roundTrips.total - admin0,
      registry: clients.registry.requests - registry0,
    },
    ...(error ? { error } : {}),
  };
}

/** Re-reads until every command that succeeded is visible (failed ones stay planned). */
async function verify(
  desired: DesiredState,
  clients: Clients,
  applied: Plan,
  results: readonly CommandResult[],
  timeoutMs: number,
): Promise<Plan> {
  const notDone = new Set(results.filter((r) => r.outcome !== 'succeeded').map(commandKey));
  // Topics this pass created have the configs they were created with (see ReadOptions).
  const knownConfigs = new Map(
    applied.commands.flatMap((c) =>
      c.kind === 'CreateTopic' && !notDone.has(commandKey(c)) ? [[c.topic, c.config] as const] : [],
    ),
  );
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    if (i > 0) await sleep(Math.min(250 * i, 2000));
    const { plan } = await readAndPlan(desired, clients, { knownConfigs });
    const lagging = plan.commands.filter((c) => !notDone.has(commandKey(c)));
    if (lagging.length === 0 || Date.now() > deadline) return plan;
  }
}
