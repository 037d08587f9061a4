// The cdktf App every catalog is synthesized into.
import { App } from 'cdktf';
import { disableTokenStackTraces } from './token-traces';

export interface CreateAppOptions {
  /** Where `app.synth()` writes (cdktf.out by default, as cdktf.json expects). */
  readonly outdir?: string;
}

/**
 * A cdktf App without stack traces: in construct metadata and in tokens they cost more than the
 * rest of synthesis on big catalogs, and no message of ours quotes them.
 */
export function createApp(options: CreateAppOptions = {}): App {
  disableTokenStackTraces();
  return new App({ outdir: options.outdir ?? 'cdktf.out', stackTraces: false });
}
