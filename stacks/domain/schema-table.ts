// A domain's subjects: compatibility (`subject_config`, set before anything is registered) and
// schemas (`schema_<layer>`, see layers.ts), each with its references as `schema_reference`
// blocks pointing at the referenced subject's registered version. The versions are expressions
// (another block's, or another stack's, attribute), kept per layer in `schema_versions_<layer>`
// so the schema entries themselves stay plain catalog data.
import { Construct } from 'constructs';
import { Lazy, TerraformLocal } from 'cdktf';
import type { Subject } from '../../catalog/model';
import { Schema } from '../.gen/providers/confluent/schema';
import { SubjectConfig } from '../.gen/providers/confluent/subject-config';
import { CatalogStack, Entries, dynamicBlock, each, instanceAttribute } from '../synth';
import { index, literal } from '../shared/terraform-text';

export interface SchemaReferenceEntry {
  /** The name the schema uses for it (Avro full name, Protobuf import, JSON Schema $ref). */
  readonly name: string;
  readonly subject_name: string;
}

export interface SchemaEntry {
  readonly format: string;
  readonly schema: string;
  readonly references: readonly SchemaReferenceEntry[];
}

export interface SchemaTableProps {
  /** Layers this domain uses (0…max). */
  readonly layers: number;
}

interface Layer {
  readonly entries: Entries<SchemaEntry>;
  readonly block: Schema;
  /** Referenced subject → its registered version (an expression). */
  readonly versions: Map<string, string>;
}

export class SchemaTable extends Construct {
  private readonly compatibility = new Entries<{ level: string }>();
  private readonly layers: Layer[] = [];

  constructor(scope: Construct, id: string, props: SchemaTableProps) {
    super(scope, id);
    const stack = CatalogStack.ofConstruct(this);
    const config = new SubjectConfig(this, 'subject_config', {
      subjectName: each.key,
      compatibilityLevel: each.value('level'),
    });
    config.overrideLogicalId('subject_config');
    stack.bindEntries(config, this.compatibility);
    for (let n = 0; n < props.layers; n++) {
      const entries = new Entries<SchemaEntry>();
      const versions = new Map<string, string>();
      const local = new TerraformLocal(
        this,
        `schema_versions_${n}`,
        Lazy.anyValue({
          produce: () =>
            Object.fromEntries([...versions.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
        }),
      );
      local.overrideLogicalId(`schema_versions_${n}`);
      const block = new Schema(this, `schema_${n}`, {
        subjectName: each.key,
        format: each.value('format'),
        schema: each.value('schema'),
        dependsOn: [config],
      });
      block.overrideLogicalId(`schema_${n}`);
      dynamicBlock(block, 'schema_reference', each.value('references'), {
        name: '${schema_reference.value.name}',
        subject_name: '${schema_reference.value.subject_name}',
        version: `\${local.schema_versions_${n}[schema_reference.value.subject_name]}`,
      });
      stack.bindEntries(block, entries);
      this.layers.push({ entries, block, versions });
    }
  }

  /** Registers a subject in its layer; `version` resolves the subjects it references. */
  add(subject: Subject, layer: number, version: (subject: string) => string): void {
    const target = this.layers[layer];
    if (!target) throw new Error(`no schema layer ${layer} for ${subject.name}`);
    this.compatibility.add(subject.name, { level: subject.compatibility });
    for (const r of subject.schema.references) {
      if (!target.versions.has(r.subject)) target.versions.set(r.subject, version(r.subject));
    }
    target.entries.add(subject.name, {
      format: subject.schema.format,
      schema: literal(subject.schema.text),
      references: subject.schema.references.map((r) => ({ name: r.name, subject_name: r.subject })),
    });
  }

  /** The addresses of a subject's compatibility and schema instances, when this table has it. */
  addresses(subject: string): { config?: string; schema?: string } {
    const layer = this.layers.findIndex((l) => l.entries.has(subject));
    return {
      ...(this.compatibility.has(subject)
        ? { config: `confluent_subject_config.subject_config${index(subject)}` }
        : {}),
      ...(layer >= 0 ? { schema: `confluent_schema.schema_${layer}${index(subject)}` } : {}),
    };
  }

  /** The registered version of one of this domain's subjects. */
  version(subject: string, layer: number): string {
    const target = this.layers[layer];
    if (!target) throw new Error(`no schema layer ${layer} for ${subject}`);
    return instanceAttribute(target.block, subject, 'version');
  }
}
