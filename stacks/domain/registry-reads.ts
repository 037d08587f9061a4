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

  private addInstances({ apps, entries }: ReadInstances): void {
    for (const app of apps) this.props.principals.use(app);
    this.entries.addAll(entries);
  }
}

/** Reads as a table's instances. */
interface ReadInstances {
  /** Their apps, each once. */
  readonly apps: readonly string[];
  /** Instance keys and entries. */
  readonly entries: readonly (readonly [string, SubjectRead])[];
}

/** Reads' instances: the same reads reach every environment's stack (and share its entries). */
const instancesOf = shared((reads: readonly SubjectRead[]): ReadInstances => {
  const apps = new Set<string>();
  const entries: (readonly [string, SubjectRead])[] = [];
  for (const read of reads) {
    apps.add(read.app);
    entries.push(
      Object.freeze([
        `${read.app}|${read.subject}`,
        Object.freeze({ app: read.app, subject: read.subject }),
      ] as const),
    );
  }
  return Object.freeze({ apps: Object.freeze([...apps]), entries: Object.freeze(entries) });
});
