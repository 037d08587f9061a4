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
    return this.add({ app: appId, subject });
  }

  /** A subject read of the catalog's (CatalogAccess), granted once; returns it. */
  add(read: SubjectRead): SubjectRead {
    this.props.principals.use(read.app);
    const { key, entry } = instanceOf(read);
    this.entries.add(key, entry);
    return read;
  }
}

/** A read's instance key and entry. */
const instanceOf = shared((read: SubjectRead) =>
  Object.freeze({
    key: `${read.app}|${read.subject}`,
    entry: Object.freeze({ app: read.app, subject: read.subject }),
  }),
);
