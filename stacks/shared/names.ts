// Stack and cloud-object names, in one place: stack names are what `cdktf deploy <name>` takes
// and what the state keys are made of, so they must never change for an existing environment.

export const platformStackName = (env: string): string => `platform-${env}`;
export const domainStackName = (domain: string, env: string): string => `domain-${domain}-${env}`;
export const secretsStackName = (env: string): string => `secrets-${env}`;
export const runtimeStackName = (env: string): string => `runtime-${env}`;

/** The Terraform variable a confluent-double environment's stacks read the double's URL from. */
export const DOUBLE_ENDPOINT_VARIABLE = 'confluent_endpoint';
/** Where the Confluent Cloud double listens unless told otherwise. */
export const DOUBLE_DEFAULT_PORT = 18090;

/** Confluent display names are organisation-wide: prefix them with platform and environment. */
export const displayName = (platform: string, env: string, what: string): string =>
  `${platform}-${env}.${what}`;
