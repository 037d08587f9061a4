// A large catalog is parsed and checked by this thread and helper threads together. The work is a
// list of items per phase (domain files, schema files, schema checks); this thread takes items
// from the front and the helpers from the back, each claiming an item in shared memory before
// doing it, so no item is done twice and nobody waits for a helper that is slow to start. What a
// helper returns is what the parse cache and the schema verdicts hold: the clean parse of a file,
// or that a schema passed its check. Anything else (a file with a finding, a failed check, an
// error in a helper) is done again here, so every finding is reported exactly as without helpers,
// in the same order. The loader stays synchronous: this thread blocks (Atomics.wait) only for an
// item a helper has claimed and not yet returned.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { SchemaReference } from './model';

export type PhaseName = 'domains' | 'schemas' | 'checks';

/** A phase's items as the helpers see them: claims and a cursor in shared memory. */
export interface SharedPhase {
  readonly name: PhaseName;
  /** One per item: FREE, or who claimed it. */
  readonly claims: Int32Array;
  /** The helpers' next item is cursor[0] - 1 (they work from the back). */
  readonly cursor: Int32Array;
}

/** Results of a few items of one phase, from a helper (null: do it yourself). */
export interface ResultBatch {
  readonly phase: PhaseName;
  readonly results: readonly (readonly [number, unknown])[];
}

/** What a helper made of a file that has `text`: what the parse cache would hold for it. */
export interface Helped<T> {
  readonly text: string;
  readonly value: T;
}

/** What a helper starts with. */
export interface HelperData {
  readonly root: string;
  readonly domainFiles: readonly string[];
  readonly schemaFiles: readonly string[];
  readonly phases: readonly SharedPhase[];
  /**
   * [0] counts the batches posted (this thread waits on it); [1] is 1 while this thread waits;
   * [2] counts the helpers that have loaded.
   */
  readonly control: Int32Array;
  readonly port: MessagePort;
}

/** A schema as a helper needs it to check others that reference it. */
export interface SchemaJob {
  readonly path: string;
  readonly domain: string;
  readonly text: string;
  readonly references: readonly SchemaReference[];
}

/** The check phase, sent when the references are resolved. */
export interface ChecksMessage {
  readonly phase: SharedPhase;
  readonly schemas: readonly SchemaJob[];
  /** Paths of the schemas to check, in the order this thread checks them. */
  readonly candidates: readonly string[];
}

// Loaded with the first helper: most loads are too small for one.
const workerThreads = (): typeof WorkerThreads =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('node:worker_threads') as typeof WorkerThreads;

export const FREE = 0;
export const MINE = 1;
export const HELPER = 2;

/**
 * How much work pays for a helper: starting one (a thread, its own copy of the catalog's modules)
 * costs about what parsing 20 domain files or 1,000 schema files does.
 */
export const DOMAIN_WEIGHT = 50;
export const MIN_WORK = 2_000;
/** Check phases smaller than this are done here: sending them would cost more. */
const MIN_CHECKS = 200;
/** A helper that returns nothing for this long is given up on; its items are done here. */
const STALL_MS = 10_000;

export interface ParallelOptions {
  /**
   * Helper threads for a large catalog (default: STREAMPLANE_HELPER_THREADS when set, else one
   * per idle core beyond this thread's and one for V8's background work, by the load average,
   * at most 3: none on 2 cores).
   */
  readonly threads?: number;
  /** The work (schema files, plus DOMAIN_WEIGHT per domain file) from which helpers start. */
  readonly minWork?: number;
  /**
   * Wait until the helpers have loaded before parsing (tests: otherwise a helper slow to start
   * may find every item taken, which is right but shows nothing).
   */
  readonly waitForHelpers?: boolean;
}

function sharedPhase(name: PhaseName, size: number): SharedPhase {
  const cursor = new Int32Array(new SharedArrayBuffer(4));
  cursor[0] = size;
  return { name, claims: new Int32Array(new SharedArrayBuffer(4 * Math.max(1, size))), cursor };
}

function helperThread(data: Omit<HelperData, 'port'>, port: MessagePort): Worker {
  const compiled = !__filename.endsWith('.ts');
  const file = join(__dirname, `parallel-worker${compiled ? '.js' : '.ts'}`);
  const workerData: HelperData = { ...data, port };
  // From the sources (tests), the helper compiles them as they load, like the tests do.
  const { Worker } = workerThreads();
  const worker = compiled
    ? new Worker(file, { workerData, transferList: [port] })
    : new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, {
        eval: true,
        workerData,
        transferList: [port],
      });
  worker.unref();
  // A helper that fails is given up on when it stalls (see STALL_MS); nothing to report here.
  worker.on('error', () => undefined);
  return worker;
}

/**
 * STREAMPLANE_HELPER_THREADS: how many helpers a command starts for a large catalog, whatever the
 * load (0 for none, at most 3), so that a whole process can be measured with and without them
 * (bench/validate.ts); unset, empty or not such a number: the load average decides.
 */
function threadsFromEnv(): number | undefined {
  const value = process.env.STREAMPLANE_HELPER_THREADS;
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Math.min(3, Number(value));
}

/** The helper threads of one catalog load, as seen from this thread. */
export class Helpers {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly phases = new Map<PhaseName, SharedPhase>();
  private readonly results = new Map<PhaseName, Map<number, unknown>>();
  private readonly control = new Int32Array(new SharedArrayBuffer(12));
  private readonly checkIndex = new Map<string, number>();
  private given = false;

  private constructor(
    root: string,
    domainFiles: readonly string[],
    schemaFiles: readonly string[],
    threads: number,
    waitForHelpers: boolean,
  ) {
    const phases = [
      sharedPhase('domains', domainFiles.length),
      sharedPhase('schemas', schemaFiles.length),
    ];
    for (const p of phases) {
      this.phases.set(p.name, p);
      this.results.set(p.name, new Map());
    }
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new (workerThreads().MessageChannel)();
      port1.unref();
      this.ports.push(port1);
      this.workers.push(
        helperThread({ root, domainFiles, schemaFiles, phases, control: this.control }, port2),
      );
    }
    const deadline = performance.now() + STALL_MS;
    for (let ready = 0; waitForHelpers && ready < threads;) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(this.control, 2, ready, left);
      ready = Atomics.load(this.control, 2);
    }
  }

  /**
   * Helpers for parsing these files (those the parse cache does not know), when there are
   * enough of them to pay for a thread and a core to run it; undefined otherwise.
   */
  static start(
    root: string,
    domainFiles: readonly string[],
    schemaFiles: readonly string[],
    options: ParallelOptions = {},
  ): Helpers | undefined {
    // A helper needs a core of its own, and so do V8's background threads (garbage collection,
    // compilation), which keep a second core busy during a large load: on 2 cores a helper made
    // cold validation slower whether the machine was quiet (0.84 s without, 1.08-1.11 s with) or
    // busy. So helpers take only the idle cores beyond this thread's and V8's.
    const idle = Math.floor(availableParallelism() - (loadavg()[0] ?? 0));
    const threads =
      options.threads ?? threadsFromEnv() ?? Math.min(3, availableParallelism() - 2, idle - 2);
    const work = schemaFiles.length + DOMAIN_WEIGHT * domainFiles.length;
    if (threads < 1 || work < (options.minWork ?? MIN_WORK)) return undefined;
    return new Helpers(root, domainFiles, schemaFiles, threads, options.waitForHelpers ?? false);
  }

  /**
   * Item `index` of a phase: undefined when this thread is to do it (it claims it now), else what
   * a helper made of it (undefined too when the helper left it to this thread).
   */
  take<T>(name: PhaseName, index: number): T | undefined {
    const phase = this.phases.get(name);
    if (!phase || this.given || index < 0 || index >= phase.claims.length) return undefined;
    if (Atomics.compareExchange(phase.claims, index, FREE, MINE) !== HELPER) return undefined;
    const results = this.results.get(name) as Map<number, unknown>;
    const deadline = performance.now() + STALL_MS;
    for (;;) {
      this.drain();
      if (results.has(index)) {
        const value = results.get(index);
        results.delete(index);
        return (value ?? undefined) as T | undefined;
      }
      const seen = Atomics.load(this.control, 0);
      Atomics.store(this.control, 1, 1);
      this.drain();
      if (!results.has(index)) {
        const left = deadline - performance.now();
        if (left <= 0) {
          this.giveUp();
          return undefined;
        }
        Atomics.wait(this.control, 0, seen, Math.min(left, 100));
      }
      Atomics.store(this.control, 1, 0);
    }
  }

  /**
   * Starts the check phase: the helpers check `candidates` from the back (with `schemas`, which
   * holds everything they reference); `passed` then answers for each.
   */
  startChecks(schemas: readonly SchemaJob[], candidates: readonly string[]): void {
    if (this.given || candidates.length < MIN_CHECKS) return;
    const phase = sharedPhase('checks', candidates.length);
    this.phases.set('checks', phase);
    this.results.set('checks', new Map());
    candidates.forEach((path, i) => this.checkIndex.set(path, i));
    const message: ChecksMessage = { phase, schemas, candidates };
    for (const port of this.ports) port.postMessage(message);
  }

  /** True when a helper checked this schema and it passed; false when this thread is to check it. */
  passed(path: string): boolean {
    const index = this.checkIndex.get(path);
    return index !== undefined && this.take<boolean>('checks', index) === true;
  }

  /** Items the helpers did, for the benchmark. */
  helped(): number {
    let n = 0;
    for (const phase of this.phases.values()) for (const c of phase.claims) if (c === HELPER) n++;
    return n;
  }

  /** Ends the helpers: nothing they would still do is needed. */
  stop(): void {
    for (const port of this.ports) port.close();
    for (const worker of this.workers) void worker.terminate();
  }

  private drain(): void {
    const { receiveMessageOnPort } = workerThreads();
    for (const port of this.ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const batch = m.message as ResultBatch;
        const into = this.results.get(batch.phase);
        if (into) for (const [i, value] of batch.results) into.set(i, value);
      }
    }
  }

  /** A helper stalled: this thread does everything from here on. */
  private giveUp(): void {
    this.given = true;
    this.stop();
  }
}
