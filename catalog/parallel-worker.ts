// A helper thread of a large catalog load (see parallel.ts): it takes items from the back of each
// phase and returns what the parse cache and the schema verdicts would hold for them, or null
// when the item has a finding (the loading thread then does it itself and reports it).
import { workerData } from 'node:worker_threads';
import { Diagnostics } from './diagnostics';
import { DiskFiles } from './files';
import { admit } from './input';
import type { InputKind } from './input';
import { cleanDomain } from './loader';
import { FREE, HELPER } from './parallel';
import type { ChecksMessage, HelperData, ResultBatch, SharedPhase } from './parallel';
import { OutlinedSchema, outlineOf, parseSchemaFile, schemaFormat } from './schemas/parse';
import { SchemaChecker } from './schemas/resolve';
import type { ResolvedSchema } from './schemas/resolve';

/** Results are sent in batches of this many, or at once while the loading thread waits. */
const BATCH = 16;

const { root, domainFiles, schemaFiles, phases, control, port } = workerData as HelperData;
const files = new DiskFiles(root);

/** The file's text once it passes the input gate, or undefined (the loading thread reports it). */
function text(file: string, kind: InputKind): string | undefined {
  const bytes = files.bytes(file);
  if (bytes === undefined) return undefined;
  const diagnostics = new Diagnostics();
  const admitted = admit(file, bytes, kind, diagnostics);
  return diagnostics.size === 0 ? admitted : undefined;
}

function domain(index: number): unknown {
  const file = domainFiles[index] as string;
  const t = text(file, 'domain');
  const parsed = t === undefined ? undefined : cleanDomain(file, t);
  return parsed ? { text: t, value: parsed } : null;
}

function schema(index: number): unknown {
  const file = schemaFiles[index] as string;
  const format = schemaFormat(file);
  const t = format && text(file, format);
  if (t === undefined || !format) return null;
  const parsed = parseSchemaFile(file, file.split('/')[1] as string, t);
  return parsed.problems.length === 0 && !parsed.refused
    ? { text: t, value: outlineOf(parsed) }
    : null;
}

/** Does the phase's items from the back until it meets the loading thread (or another helper). */
function work(phase: SharedPhase, item: (index: number) => unknown): void {
  let batch: [number, unknown][] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const message: ResultBatch = { phase: phase.name, results: batch };
    port.postMessage(message);
    batch = [];
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  };
  for (;;) {
    const index = Atomics.sub(phase.cursor, 0, 1) - 1;
    if (index < 0 || Atomics.compareExchange(phase.claims, index, FREE, HELPER) !== FREE) break;
    let result: unknown = null;
    try {
      result = item(index);
    } catch {
      // Whatever went wrong is found again, and reported, by the loading thread.
    }
    batch.push([index, result]);
    if (batch.length >= BATCH || Atomics.load(control, 1) === 1) flush();
  }
  flush();
}

function checks({ phase, schemas, candidates }: ChecksMessage): void {
  const all = new Map<string, ResolvedSchema>();
  for (const s of schemas) {
    const parsed = new OutlinedSchema(s.path, s.domain, s.text, { defines: [], needs: [] });
    all.set(s.path, { parsed, references: [...s.references], problems: [] });
  }
  const checker = new SchemaChecker(all);
  work(phase, (index) => {
    const r = all.get(candidates[index] as string);
    return r !== undefined && checker.problem(r) === undefined;
  });
  checker.dispose();
}

Atomics.add(control, 2, 1); // loaded
Atomics.notify(control, 2);
const [domains, schemasPhase] = phases as [SharedPhase, SharedPhase];
work(domains, domain);
work(schemasPhase, schema);
port.on('message', (m: ChecksMessage) => checks(m));
