import { HttpSchemaRegistry } from '../../reconciler/cluster/registry';
import { CCOMPAT_PATH } from '../../shared/local-stack';
import { StackError } from './errors';

export { CCOMPAT_PATH };
export const GLOBAL_COMPATIBILITY = 'BACKWARD';

/**
 * Apicurio Registry 3.0 settings that make its Confluent-compatible API behave like Confluent's
 * for our clients. Passed as -D system properties (they override application.properties).
 */
export function registrySystemProperties(
  port: number,
  dataDir: string,
): Record<string, string | number | boolean> {
  return {
    'quarkus.http.host': '127.0.0.1',
    'quarkus.http.port': port,
    // H2 in a file beside Kafka's data: the broker keeps its messages across restarts, so the
    // registry keeps the schema ids they carry (in memory, a restart reassigned them and old
    // messages named ids nobody knew).
    'apicurio.storage.kind': 'sql',
    'apicurio.storage.sql.kind': 'h2',
    'apicurio.datasource.url': `jdbc:h2:file:${dataDir}/registry`,
    // Confluent identifies schemas by canonical content: whitespace/ordering changes are the
    // same schema and get the same id instead of a new version.
    'apicurio.ccompat.use-canonical-hash': true,
    // Default global rule, enforced on registration even before anyone sets one...
    'apicurio.rules.global.compatibility': GLOBAL_COMPATIBILITY,
    // ...and a small pool: the default 20 idle connections is for a server, not a laptop.
    'apicurio.datasource.jdbc.initial-size': 2,
    'apicurio.datasource.jdbc.min-size': 2,
    'apicurio.datasource.jdbc.max-size': 10,
    'quarkus.http.access-log.enabled': false,
    'quarkus.otel.sdk.disabled': true,
  };
}

/**
 * The default rule is enforced but GET /config still answers NONE until a global config is
 * stored, so store it: clients and people reading /config then see what is enforced.
 */
export async function setGlobalCompatibility(serverUrl: string): Promise<void> {
  try {
    await new HttpSchemaRegistry({ url: `${serverUrl}${CCOMPAT_PATH}` }).setGlobalCompatibility(
      GLOBAL_COMPATIBILITY,
    );
  } catch (err) {
    throw new StackError(
      `The schema registry refused the global compatibility setting: ${(err as Error).message}`,
    );
  }
}
