// Sets up what the client app needs on a local stack without the reconciler: a catalog topic
// under a per-file prefix, the ACLs the catalog derives for it, and its subjects. Cleans up the
// topic and its topic ACLs afterwards (subjects stay: the in-memory registry forgets them).
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';
import type { ClientConfig } from '../../clientapp/config';
import { configFromLocalStack } from '../../clientapp/config';
import { adminClient, localTarget, setupTopic } from '../../clientapp/local-setup';
import type { LocalTarget, SetupResult } from '../../clientapp/local-setup';
import { GRANT } from '../../catalog/access';

export interface Fixture extends SetupResult {
  prefix: string;
  target: LocalTarget;
  /** The app's configuration on that stack (its own SCRAM user). */
  configFor(app: string): ClientConfig;
  cleanup(): Promise<void>;
}

export async function clientappFixture(opts: {
  topic: string;
  prefix: string;
  partitions?: number;
  /** Another stack (a private broker in a temp dir); its registry may be the shared one. */
  root?: string;
  registryUrl?: string;
}): Promise<Fixture> {
  const base = localTarget(opts.root);
  const target = opts.registryUrl ? { ...base, registryUrl: opts.registryUrl } : base;
  const result = await setupTopic({
    topic: opts.topic,
    namePrefix: opts.prefix,
    target,
    ...(opts.partitions ? { partitions: opts.partitions } : {}),
  });
  return {
    ...result,
    prefix: opts.prefix,
    target,
    configFor: (app) => {
      const config = configFromLocalStack(app, opts.root);
      return { ...config, registry: { url: target.registryUrl } };
    },
    cleanup: async () => {
      const admin = adminClient(target).admin();
      await admin.connect();
      try {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(opts.prefix));
        if (mine.length === 0) return;
        await admin.deleteTopics({ topics: mine });
        // Only the topic grants: group grants are the catalog's own and shared by every file.
        await admin.deleteAcls({
          filters: mine.map((name) => ({
            resourceType: AclResourceTypes.TOPIC,
            resourceName: name,
            resourcePatternType: ResourcePatternTypes.LITERAL,
            host: GRANT.host,
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          })),
        });
      } finally {
        await admin.disconnect();
      }
    },
  };
}
