// The service account ids of the apps a domain stack grants access to, read once from the
// platform stack into a local: every ACL and role binding then looks its principal up by app id.
import { Construct } from 'constructs';
import { userPrincipal } from '../../catalog/access';
import { TerraformLocal } from 'cdktf';

export interface PrincipalsProps {
  /** The service account id of an app (an expression reading the platform stack's outputs). */
  readonly accountId: (appId: string) => string;
}

export class Principals extends Construct {
  /**
   * App id → its account id expression: the local's value, filled as apps are used (plain
   * strings, no token: a Lazy would make cdktf resolve the local; the file sorts the keys).
   */
  private readonly ids: Record<string, string> = {};
  private readonly local: TerraformLocal;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PrincipalsProps,
  ) {
    super(scope, id);
    this.local = new TerraformLocal(this, 'app_accounts', this.ids);
    this.local.overrideLogicalId('app_accounts');
  }

  /** Registers an app; returns nothing, the principal is looked up per instance. */
  use(appId: string): void {
    if (!Object.hasOwn(this.ids, appId)) this.ids[appId] = this.props.accountId(appId);
  }

  /**
   * `User:<id>` for the app id a Terraform expression evaluates to (e.g. `each.value.app`):
   * a literal index into the local, not a lookup token (see `each` in synth/entries.ts).
   */
  principal(appIdExpression: string): string {
    return userPrincipal(`\${local.${this.local.friendlyUniqueId}[${appIdExpression}]}`);
  }
}
