// `npm run deploy:sandbox [-- diff|deploy|destroy] [--env NAME]`: the platform team's
// `cdktf deploy`, run on this machine against the Confluent Cloud double with the real provider.
// Installs the providers (scripts/providers/build.sh), starts the local stack and the double,
// then runs the cdktf CLI on the environment's platform and domain stacks with the double's
// address and Cloud API key in the environment (never on the command line or in a log).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { asksForHelp } from '../../shared/cli';
import { StackError } from '../local/errors';
import { REPO_ROOT } from '../../shared/repo-root';
import { domainStackName, platformStackName } from '../../stacks/shared/names';
import { cloudApiKey, doubleTerraformEnv } from './service';

const USAGE =
  'Usage: deploy.ts [diff|deploy|destroy] [--env NAME] (default: deploy, the first confluent-double environment)';

/** The stacks of a confluent-double environment: the platform's first, then each domain's. */
async function doubleEnvironment(
  requested: string | undefined,
): Promise<{ env: string; stacks: string[] }> {
  const [{ formatDiagnostic }, { loadCatalog }] = await Promise.all([
    import('../../catalog/diagnostics'),
    import('../../catalog/loader'),
  ]);
  const result = loadCatalog(REPO_ROOT);
  if (!result.catalog) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new StackError(
      `the catalog has ${result.errorCount} error(s); nothing was deployed:\n${errors.join('\n')}`,
    );
  }
  const envs = result.catalog.platform.environments;
  const doubles = Object.keys(envs).filter((e) => envs[e]?.kind === 'confluent-double');
  const env = requested ?? doubles[0];
  if (env === undefined) {
    throw new StackError(
      'platform.yaml has no environment of kind confluent-double: add one (see README)',
    );
  }
  if (envs[env]?.kind !== 'confluent-double') {
    throw new StackError(
      `environment "${env}" is not of kind confluent-double${doubles.length ? ` (those are: ${doubles.join(', ')})` : ''}`,
    );
  }
  return {
    env,
    stacks: [
      platformStackName(env),
      ...result.catalog.domains.map((d) => domainStackName(d.name, env)),
    ],
  };
}

/** Runs the cdktf CLI with the double's settings; resolves to its exit code. */
function cdktf(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(path.join(REPO_ROOT, 'node_modules/.bin/cdktf'), args, {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

async function main(argv: string[]): Promise<number> {
  if (asksForHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  let command = 'deploy';
  let requested: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--env') requested = argv[++i];
    else if (['diff', 'deploy', 'destroy'].includes(a)) command = a;
    else throw new StackError(`unknown argument "${a}"\n${USAGE}`);
  }
  const { env, stacks } = await doubleEnvironment(requested);
  console.log('[1/3] Terraform and the Confluent provider (scripts/providers/build.sh)');
  const built = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/providers/build.sh')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) return 1;
  console.log('[2/3] The local stack and the Confluent Cloud double');
  const { doubleUp } = await import('./cli');
  const double = await doubleUp({ log: (m) => console.log(`  ${m}`) });
  console.log(`  Confluent Cloud double on ${double.url} (environment ${env})`);
  const tfEnv = doubleTerraformEnv(double.url, cloudApiKey());
  // `terraform providers lock` asks the registry even when a mirror installs the providers: the
  // lock file `terraform init` writes from the mirror is the one kept.
  const lock = '--skip-provider-lock';
  if (command !== 'diff') {
    console.log(`[3/3] cdktf ${command} ${stacks.join(' ')}`);
    return cdktf([command, ...stacks, lock, '--auto-approve'], tfEnv);
  }
  // `cdktf diff` takes one stack: diff each, synthesizing once.
  let failed = 0;
  for (const [i, stack] of stacks.entries()) {
    console.log(`[3/3] cdktf diff ${stack}`);
    const code = await cdktf(['diff', stack, lock, ...(i > 0 ? ['--skip-synth'] : [])], tfEnv);
    if (code !== 0) failed = code;
  }
  return failed;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof StackError ? `error: ${err.message}` : err);
    process.exitCode = 1;
  },
);
