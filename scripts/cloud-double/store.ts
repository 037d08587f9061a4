// What the Confluent Cloud double remembers of its control plane: environments, clusters,
// registries, service accounts, API keys and role bindings, as the documented API returns them
// (ids shaped like Confluent's: env-…, lkc-…, lsrc-…, sa-…, rb-…). Kept in one JSON file (mode
// 0600: it holds API secrets) so that a restart keeps what Terraform's state refers to. The data
// plane is not here: topics and ACLs live in the real local Kafka, schemas in the real registry.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface EnvironmentRecord {
  id: string;
  displayName: string;
  streamGovernance: string;
  createdAt: string;
  updatedAt: string;
}

export interface ClusterRecord {
  id: string;
  environmentId: string;
  displayName: string;
  availability: string;
  cloud: string;
  region: string;
  /** Basic, Standard, Dedicated… with its own fields (cku). */
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface RegistryRecord {
  id: string;
  environmentId: string;
  package: string;
  cloud: string;
  region: string;
  createdAt: string;
}

export interface ServiceAccountRecord {
  id: string;
  displayName: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKeyRecord {
  id: string;
  secret: string;
  displayName: string;
  description: string;
  ownerId: string;
  /** lkc-… or lsrc-…; undefined for a Cloud API key. */
  resourceId?: string;
  createdAt: string;
  updatedAt: string;
}

export interface RoleBindingRecord {
  id: string;
  principal: string;
  roleName: string;
  crnPattern: string;
  createdAt: string;
}

export interface DoubleState {
  organizationId: string;
  environments: Record<string, EnvironmentRecord>;
  clusters: Record<string, ClusterRecord>;
  registries: Record<string, RegistryRecord>;
  serviceAccounts: Record<string, ServiceAccountRecord>;
  apiKeys: Record<string, ApiKeyRecord>;
  roleBindings: Record<string, RoleBindingRecord>;
}

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomOf(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** `env-x7k2p`, `lkc-9q3m1z`…: Confluent's id shapes (prefix, dash, short lowercase suffix). */
export const newId = (prefix: string, length = 6): string =>
  `${prefix}-${randomOf(ALPHANUM, length)}`;
/** API keys: 16 upper-case characters; secrets: 64 characters. */
export const newApiKey = (): { id: string; secret: string } => ({
  id: randomOf(KEY_CHARS, 16),
  secret: randomOf(SECRET_CHARS, 64),
});

export const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function empty(): DoubleState {
  const hex = randomBytes(16).toString('hex');
  return {
    organizationId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    environments: {},
    clusters: {},
    registries: {},
    serviceAccounts: {},
    apiKeys: {},
    roleBindings: {},
  };
}

export class Store {
  readonly state: DoubleState;

  /** @param file where the state persists; undefined keeps it in memory only (tests). */
  constructor(private readonly file?: string) {
    this.state = file && fs.existsSync(file) ? load(file) : empty();
    this.save();
  }

  /** Writes the state atomically (a crash never leaves half a file). */
  save(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

function load(file: string): DoubleState {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DoubleState>;
  return { ...empty(), ...parsed };
}
