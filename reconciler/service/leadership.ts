// Whether this replica leads (it owns partition 0 of the requests topic, kafka-io.ts), turned
// into what a pass needs: a signal that aborts when the lead is lost or the service stops.
export class Leadership {
  private readonly passes = new Set<AbortController>();
  private stopped = false;

  constructor(private readonly isLeader: () => boolean) {}

  /** True while this replica leads and is not stopping: it may start a pass. */
  get leading(): boolean {
    return !this.stopped && this.isLeader();
  }

  /** A signal for one pass: aborted when leadership moves or the service stops. */
  passSignal(): { signal: AbortSignal; done(): void } {
    const abort = new AbortController();
    if (!this.leading)
      abort.abort(new Error(this.stopped ? 'the service is stopping' : 'not leading'));
    this.passes.add(abort);
    return { signal: abort.signal, done: () => this.passes.delete(abort) };
  }

  /** Leadership changed (KafkaIo's onLeadership): a lost lead cancels the passes in flight. */
  changed(): void {
    if (!this.isLeader()) this.abortAll('leadership moved');
  }

  /** The service stops: passes in flight send nothing more. */
  stop(): void {
    this.stopped = true;
    this.abortAll('the service is stopping');
  }

  private abortAll(reason: string): void {
    for (const a of this.passes) a.abort(new Error(reason));
  }
}
