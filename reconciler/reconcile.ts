// The reconciler in controller-runtime's shape: a request in, a report and when to come back out,
// an AbortSignal to cancel. Each request is one level-triggered pass: read actual state, diff with
// desired, apply (enforce) or only report (observe), then read again to verify. Used by the CLI,
// the service loop and the benchmark.
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
  /** The signal aborted before the pass finished its work (what was not sent is `skipped`). */
  readonly cancelled?: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  /**
   * Where the pass's time went (enforce with commands): reading and planning, sending the
   * commands, and re-reading until the cluster shows them (`reads` of it).
   */
  readonly phases?: { readMs: number; writeMs: number; verifyMs: number; verifyReads: number };
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
  /** A pass-level failure (cluster unreachable, catalog broken, cancelled). */
  readonly error?: string;
}

/** One pass over the environment: applying (enforce) or only reporting (observe). */
export interface ReconcileRequest {
  readonly mode: Mode;
  /** The pass's id in reports, events and jobs (a new UUID by default). */
  readonly id?: string;
}

export interface ReconcileResult {
  readonly report: PassReport;
  /**
   * When to reconcile again: the resync interval, for a level-triggered loop that also catches
   * changes made behind its back. Absent when the pass was cancelled: whoever cancelled it
   * (shutdown, a new leader) decides what runs next.
   */
  readonly requeueAfterMs?: number;
}

/** controller-runtime's Reconcile(ctx, request) → (Result, error), with the error in the report. */
export interface Reconciler {
  reconcile(request: ReconcileRequest, signal?: AbortSignal): Promise<ReconcileResult>;
}

/** Progress of a pass as it goes, for whoever shows it (the CLI prints the plan before applying). */
export interface PassProgress {
  /** The plan, once known, before anything is applied. */
  planned?(plan: Plan): void;
  /** Each command's result, as soon as it is known. */
  applied?(result: CommandResult): void;
}

export interface PassReconcilerOptions extends Pick<
  ApplyOptions,
  'batchSize' | 'concurrency' | 'retry'
> {
  readonly clients: Clients;
  /** The catalog's wanted state; a function is called again for every pass. */
  readonly desired: DesiredState | (() => DesiredState);
  /** Returned as `requeueAfterMs` after every pass that was not cancelled. */
  readonly resyncMs?: number;
  readonly progress?: PassProgress;
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

export class PassReconciler implements Reconciler {
  constructor(private readonly opts: PassReconcilerOptions) {}

  async reconcile(request: ReconcileRequest, signal?: AbortSignal): Promise<ReconcileResult> {
    const { clients, progress } = this.opts;
    const id = request.id ?? randomUUID();
    const started = Date.now();
    const admin0 = clients.admin.roundTrips.total;
    const registry0 = clients.registry.requests;
    let plan: Plan | undefined;
    let remaining: Plan | undefined;
    let results: CommandResult[] = [];
    let error: string | undefined;
    let phases: PassReport['phases'];
    try {
      const desired = this.opts.desired;
      const want = typeof desired === 'function' ? desired() : desired;
      plan = (await readAndPlan(want, clients)).plan;
      const read = Date.now();
      progress?.planned?.(plan);
      if (request.mode === 'enforce' && plan.commands.length > 0 && !signal?.aborted) {
        const writing = Date.now();
        results = await applyPlan(plan, clients, {
          ...(this.opts.batchSize !== undefined ? { batchSize: this.opts.batchSize } : {}),
          ...(this.opts.concurrency !== undefined ? { concurrency: this.opts.concurrency } : {}),
          ...(this.opts.retry ? { retry: this.opts.retry } : {}),
          ...(progress?.applied ? { onResult: (r: CommandResult) => progress.applied?.(r) } : {}),
          ...(signal ? { signal } : {}),
        });
        const written = Date.now();
        // A cancelled pass does not wait for the broker to show what it did.
        if (!signal?.aborted) {
          const verified = await verify(
            want,
            clients,
            plan,
            results,
            this.opts.verifyTimeoutMs ?? 30_000,
          );
          remaining = verified.plan;
          phases = {
            readMs: read - started,
            writeMs: written - writing,
            verifyMs: Date.now() - written,
            verifyReads: verified.reads,
          };
        }
      }
    } catch (err) {
      error = (err as Error).message;
    }
    const count = (o: CommandResult['outcome']): number =>
      results.filter((r) => r.outcome === o).length;
    const failed = count('failed');
    const unconverged = (remaining?.commands.length ?? 0) > 0;
    const toApply = request.mode === 'enforce' ? (plan?.commands.length ?? 0) : 0;
    const notSent = toApply - count('succeeded') - failed;
    // Cancelled: the abort cut the pass short (commands not sent, or applied but not verified).
    const cancelled =
      signal?.aborted === true && toApply > 0 && (notSent > 0 || remaining === undefined);
    if (!error && cancelled && notSent > 0)
      error = `cancelled (${reasonOf(signal)}): ${notSent} command(s) not sent`;
    if (!error && unconverged && failed === 0 && count('skipped') === 0)
      error = `${remaining?.commands.length} command(s) still planned after applying`;
    const report: PassReport = {
      id,
      environment: plan?.environment ?? '',
      mode: request.mode,
      state: error || failed > 0 || count('skipped') > 0 ? 'failed' : 'succeeded',
      ...(cancelled ? { cancelled: true } : {}),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      ...(phases ? { phases } : {}),
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
    return {
      report,
      ...(!cancelled && this.opts.resyncMs !== undefined
        ? { requeueAfterMs: this.opts.resyncMs }
        : {}),
    };
  }
}

function reasonOf(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
}

export interface PassOptions
  extends Omit<PassReconcilerOptions, 'clients' | 'desired' | 'resyncMs'>, ReconcileRequest {
  readonly signal?: AbortSignal;
}

/** One pass, for callers that need no loop (the CLI, local start-up, tests, the benchmark). */
export async function reconcilePass(
  desired: DesiredState | (() => DesiredState),
  clients: Clients,
  opts: PassOptions,
): Promise<PassReport> {
  const { mode, id, signal, ...rest } = opts;
  const reconciler = new PassReconciler({ ...rest, clients, desired });
  const { report } = await reconciler.reconcile({ mode, ...(id ? { id } : {}) }, signal);
  return report;
}

/** Re-reads until every command that succeeded is visible (failed ones stay planned). */
async function verify(
  desired: DesiredState,
  clients: Clients,
  applied: Plan,
  results: readonly CommandResult[],
  timeoutMs: number,
): Promise<{ plan: Plan; reads: number }> {
  const notDone = new Set(results.filter((r) => r.outcome !== 'succeeded').map(commandKey));
  // Topics this pass created have the configs they were created with (see ReadOptions).
  const knownConfigs = new Map(
    applied.commands.flatMap((c) =>
      c.kind === 'CreateTopic' && !notDone.has(commandKey(c)) ? [[c.topic, c.config] as const] : [],
    ),
  );
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    // Re-read soon, then less and less often: what shows up between two reads is waited for by
    // up to the pause between them (250 ms steps up to 2 s added about 1 s to an apply the broker
    // took 2 s to show), and each read is a whole cluster read.
    if (i > 0) await sleep(Math.min(100 * i, 1000));
    const { plan } = await readAndPlan(desired, clients, { knownConfigs });
    const lagging = plan.commands.filter((c) => !notDone.has(commandKey(c)));
    if (lagging.length === 0 || Date.now() > deadline) return { plan, reads: i + 1 };
  }
}
