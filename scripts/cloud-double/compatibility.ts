// `POST /compatibility/subjects/{s}/versions[/latest]` for schemas with references. Apicurio's
// compatibility endpoint cannot parse a stored version that has references (42201 "invalid Avro
// schema"), though registering one works and still enforces the subject's level. Confluent checks
// them; so does the double, for Avro, with avsc's own reader/writer resolution over the referenced
// subjects' types. Other formats with references are answered compatible with a message saying so:
// Apicurio still refuses an incompatible version when it is registered (409).
import * as avro from 'avsc';

interface Reference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

interface Version {
  readonly schema: string;
  readonly schemaType?: string;
  readonly references?: readonly Reference[];
}

export interface CompatibilityAnswer {
  readonly is_compatible: boolean;
  readonly messages: string[];
}

type Get = (path: string) => Promise<unknown>;

/** Whether Apicurio's answer is the failure this module stands in for. */
export function isReferenceFailure(status: number, body: Buffer): boolean {
  if (status !== 422) return false;
  try {
    return (JSON.parse(body.toString('utf8')) as { error_code?: unknown }).error_code === 42201;
  } catch {
    return false;
  }
}

export async function checkCompatibility(
  get: Get,
  subject: string,
  onlyLatest: boolean,
  candidate: Version,
): Promise<CompatibilityAnswer> {
  if ((candidate.schemaType ?? 'AVRO') !== 'AVRO') {
    return {
      is_compatible: true,
      messages: [
        `the double checks ${candidate.schemaType ?? ''} schemas with references when they are registered, not here`,
      ],
    };
  }
  const name = encodeURIComponent(subject);
  const level = await levelOf(get, name);
  if (level === 'NONE') return { is_compatible: true, messages: [] };
  const transitive = level.endsWith('_TRANSITIVE') && !onlyLatest;
  const versions = transitive
    ? ((await get(`/subjects/${name}/versions`)) as number[]).map(String)
    : ['latest'];
  const next = await typeOf(get, candidate);
  const messages: string[] = [];
  for (const v of versions) {
    const stored = (await get(`/subjects/${name}/versions/${v}`)) as Version & { version: number };
    const previous = await typeOf(get, stored);
    // BACKWARD: the new schema reads the old data; FORWARD: the old schema reads the new data.
    if (level.startsWith('BACKWARD') || level.startsWith('FULL')) {
      const problem = unreadable(next, previous);
      if (problem) messages.push(`backward against version ${stored.version}: ${problem}`);
    }
    if (level.startsWith('FORWARD') || level.startsWith('FULL')) {
      const problem = unreadable(previous, next);
      if (problem) messages.push(`forward against version ${stored.version}: ${problem}`);
    }
  }
  return { is_compatible: messages.length === 0, messages };
}

async function levelOf(get: Get, name: string): Promise<string> {
  try {
    const own = (await get(`/config/${name}`)) as { compatibilityLevel?: string };
    if (own.compatibilityLevel) return own.compatibilityLevel;
  } catch {
    // No subject-level setting: the registry's.
  }
  const global = (await get('/config')) as { compatibilityLevel?: string };
  return global.compatibilityLevel ?? 'BACKWARD';
}

/** The Avro type of a schema, its references' named types registered first (depth first). */
async function typeOf(get: Get, version: Version): Promise<avro.Type> {
  const registry: Record<string, avro.Type> = {};
  const seen = new Set<string>();
  const load = async (refs: readonly Reference[]): Promise<void> => {
    for (const r of refs) {
      const key = `${r.subject}@${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const v = (await get(
        `/subjects/${encodeURIComponent(r.subject)}/versions/${r.version}`,
      )) as Version;
      await load(v.references ?? []);
      avro.Type.forSchema(JSON.parse(v.schema) as avro.Schema, { registry });
    }
  };
  await load(version.references ?? []);
  return avro.Type.forSchema(JSON.parse(version.schema) as avro.Schema, { registry });
}

/** Why `reader` cannot read what `writer` wrote, or undefined when it can. */
function unreadable(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
