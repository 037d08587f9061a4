import type { Position } from '../diagnostics';
// Every environment's cluster must hold what the catalog asks of it: partitions and ACLs.
// Measured on the built model itself, so the count is exactly what the stacks will create.
import type { Diagnostics } from '../diagnostics';
import type { Catalog } from '../model';
import type { SourceFile } from '../source';

export function checkCapacity(
  catalog: Catalog,
  platformSource: SourceFile,
  diagnostics: Diagnostics,
): void {
  const { platform } = catalog;
  for (const [env, spec] of Object.entries(platform.environments)) {
    if (!spec.cluster) continue;
    const units = spec.cluster.type === 'dedicated' ? (spec.cluster.cku ?? 1) : 1;
    const limit = platform.limits.capacity[spec.cluster.type];
    const size = `a ${spec.cluster.type} cluster${units > 1 ? ` of ${units} CKU` : ''}`;
    const totals = catalog.totals(env);
    const at = (): Position => platformSource.locate(['environments', env, 'cluster', 'type']);
    if (totals.partitions > limit.partitions * units) {
      const byDomain = new Map<string, number>();
      for (const t of catalog.for(env).topics)
        byDomain.set(t.domain, (byDomain.get(t.domain) ?? 0) + t.partitions);
      const largest = [...byDomain]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([d, n]) => `${d} ${n}`)
        .join(', ');
      diagnostics.error(
        at(),
        'capacity-partitions',
        `environment "${env}" needs ${totals.partitions} partitions; ${size} holds ${limit.partitions * units} (largest: ${largest})`,
        'lower partitions for this environment with per-environment overrides, or move it to a larger cluster type',
      );
    }
    if (totals.acls > limit.acls * units) {
      diagnostics.error(
        at(),
        'capacity-acls',
        `environment "${env}" needs ${totals.acls} ACLs; ${size} holds ${limit.acls * units}`,
        'move the environment to a larger cluster type, or trim producers/consumers that no longer need access',
      );
    }
  }
}
