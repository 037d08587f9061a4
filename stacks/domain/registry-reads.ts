// Schema registry read access: DeveloperRead on exactly the subjects an app's topics use
// (and the subjects those schemas reference), one role binding per app and subject.
import { Construct } from 'constructs';
import type { SubjectRead } from '../../catalog/access';
import { RoleBinding } from '../.gen/providers/confluent/role-binding';
import { CatalogStack, Entries, each, shared } from '../synth';
import type { Principals } from './principals';

export interface RegistryReadsProps {
  readonly principals: Principals;
  /** CRN of the environment's schema registry (from the platform stack). */
  readonly registryCrn: string;
  /** `readinessWait(spec)`. */
  readonly readiness: { readonly disableWaitForReady?: boolean };
}

export class RegistryReads extends Construct {
  private readonly entries = new Entries<{ app: string; subject: string }>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RegistryReadsProps,
  ) {
    super(scope, id);
    const binding = new RoleBinding(this, 'binding', {
      principal: props.principals.principal('each.value.app'),
      roleName: 'DeveloperRead',
      crnPattern: `${props.registryCrn}/subject=${each.value('subject')}`,
      ...props.readiness,
    });
    binding.overrideLogicalId('subject_read');
    CatalogStack.ofConstruct(this).bindEntries(binding, this.entries);
  }

  /** DeveloperRead on one subject for one app (once); returns the read it granted. */
  grantRead(appId: string, subject: string): SubjectRead {
    const read = { app: appId, subject };
    this.addInstances(instancesOf([read]));
    return read;
  }

  /** Subject reads of the catalog's (CatalogAccess.byOwner), each granted once; returns them. */
  addAll(reads: readonly SubjectRead[]): readonly SubjectRead[] {
    this.addInstances(instancesOf(reads));
    return reads;
  }

  private addInstances(instances: readonly ReadInstance[]): void {
    for (const { key, entry } of instances) {
      this.props.principals.use(entry.app);
      this.entries.add(key, entry);
    }
  }
}

interface ReadInstance {
  readonly key: string;
  readonly entry: SubjectRead;
}

/** Reads' instance keys and entries: the same reads reach every environment's stack. */
const instancesOf = shared((reads: readonly SubjectRead[]): readonly ReadInstance[] =>
  Object.freeze(
    reads.map((read) =>
      Object.freeze({
        key: `${read.app}|${read.subject}`,
        entry: Object.freeze({ app: read.app, subject: read.subject }),
      }),
    ),
  ),
);
