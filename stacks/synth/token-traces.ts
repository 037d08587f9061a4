// cdktf records a full, unlimited-depth stack trace for every token it creates, only to quote it
// in token error messages. Large catalogs create hundreds of thousands of tokens (cross-stack
// references), and those traces are most of synthesis time and memory. cdktf 0.21.0 is the final
// release and offers no switch, so this replaces that one private helper at run time, for the
// exact pinned version only. STREAMPLANE_CDKTF_TOKEN_TRACES=1 keeps the traces when debugging.
import { createRequire } from 'node:module';

const PINNED = '0.21.0';

/** Returns true when token stack traces were turned off. */
export function disableTokenStackTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.STREAMPLANE_CDKTF_TOKEN_TRACES === '1') return false;
  const req = createRequire(__filename);
  const { version } = req('cdktf/package.json') as { version: string };
  if (version !== PINNED) return false; // a different cdktf: leave it alone
  const traces = req('cdktf/lib/tokens/private/stack-trace') as {
    captureStackTrace: (below?: unknown) => string[];
  };
  traces.captureStackTrace = () => [];
  return true;
}
