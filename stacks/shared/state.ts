// Where each stack keeps its Terraform state: S3 (one object per stack, S3 lockfile locking)
// or a local file for environments that declare `state: local` and for confluent-double ones.
import { LocalBackend, S3Backend } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { terraformState } from '../../catalog/format/platform-file';
import type { EnvironmentSpec, PlatformFile } from '../../catalog/format/platform-file';

export interface StateProps {
  readonly platform: PlatformFile;
  readonly env: string;
  readonly spec: EnvironmentSpec;
}

/** `<keyPrefix>/<env>/<stack>.tfstate`: the key layout the platform team's README documents. */
export function stateKey(keyPrefix: string, env: string, stack: string): string {
  return `${keyPrefix}/${env}/${stack}.tfstate`;
}

export function configureState(stack: TerraformStack, props: StateProps): void {
  const name = stack.node.id;
  const state = props.platform.state;
  if (terraformState(props.spec) === 'local') {
    // Relative to the directory Terraform runs in, which is the reading stack's for a remote
    // state: going through cdktf.out/stacks/ names the same file from every stack.
    new LocalBackend(stack, { path: `../${name}/terraform.${name}.tfstate` });
    return;
  }
  if (!state) {
    throw new Error(
      `environment "${props.env}" keeps its state in S3 but platform.yaml has no "state:" section`,
    );
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    region: state.region,
    key: stateKey(state.keyPrefix, props.env, name),
    encrypt: true,
  });
  // Terraform ≥ 1.10 locks with a lockfile next to the state; cdktf 0.21 has no typed option.
  backend.addOverride('use_lockfile', true);
}
