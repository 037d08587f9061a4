// A domain's subjects: compatibility (`subject_config`, set before anything is registered) and
// schemas (`schema_<layer>`, see layers.ts), each with its references as `schema_reference`
// blocks pointing at the referenced subject's registered version. The versions are expressions
// (another block's, or another stack's, attribute), kept per layer in `schema_versions_<layer>`
// so the schema entries themselves stay plain catalog data.
import { Construct } from 'constructs';
import { TerraformLocal } from 'cdktf';
import type { Subject } from '../../catalog/model';
import { Schema } from '../.gen/providers/confluent/schema';
import { SubjectConfig } from '../.gen/providers/confluent/subject-config';
import {
  CatalogStack,
  Entries,
  dependsOn,
  dynamicBlock,
  each,
  expression,
  instanceAttribute,
  shared,
} from '../synth';
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
  /**
   * Referenced subject → its registered version: the local's value, filled as subjects are added
   * (no Lazy: a token makes cdktf resolve the local; only another stack's versions are tokens).
   */
  readonly versions: Record<string, string>;
}

export class SchemaTable extends Construct {
  private readonly compatibility = new Entries<{ level: string }>();
  private readonly layers: Layer[] = [];
  /** This table's subjects → their layers. */
  private readonly layerOf = new Map<string, number>();

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
      const versions: Record<string, string> = {};
      const local = new TerraformLocal(this, `schema_versions_${n}`, versions);
      local.overrideLogicalId(`schema_versions_${n}`);
      const block = new Schema(this, `schema_${n}`, {
        subjectName: each.key,
        format: each.value('format'),
        schema: each.value('schema'),
      });
      block.overrideLogicalId(`schema_${n}`);
      dependsOn(block, [config]);
      dynamicBlock(block, 'schema_reference', each.value('references'), {
        name: '${schema_reference.value.name}',
        subject_name: '${schema_reference.value.subject_name}',
        version: `\${local.schema_versions_${n}[schema_reference.value.subject_name]}`,
      });
      stack.bindEntries(block, entries);
      this.layers.push({ entries, block, versions });
    }
  }

  /**
   * Registers a subject in its layer, after the subjects it references; `version` gives the
   * registered version of another stack's subject.
   */
  add(subject: Subject, layer: number, version: (subject: string) => string): void {
    const target = this.layers[layer];
    if (!target) throw new Error(`no schema layer ${layer} for ${subject.name}`);
    const { compatibility, schema } = entriesOf(subject);
    this.compatibility.add(subject.name, compatibility);
    for (const r of subject.schema.references) {
      if (Object.hasOwn(target.versions, r.subject)) continue;
      const own = this.layerOf.get(r.subject);
      // This stack's subject: a literal expression, which cdktf need not resolve.
      target.versions[r.subject] =
        own === undefined
          ? version(r.subject)
          : expression(this.block(own, r.subject), 'version', JSON.stringify(r.subject));
    }
    this.layerOf.set(subject.name, layer);
    target.entries.add(subject.name, schema);
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

  /** The registered version of one of this domain's subjects, as another stack reads it. */
  version(subject: string, layer: number): string {
    return instanceAttribute(this.block(layer, subject), subject, 'version');
  }

  private block(layer: number, subject: string): Schema {
    const target = this.layers[layer];
    if (!target) throw new Error(`no schema layer ${layer} for ${subject}`);
    return target.block;
  }
}

/** A subject's compatibility and schema entries. */
const entriesOf = shared((subject: Subject) =>
  Object.freeze({
    compatibility: Object.freeze({ level: subject.compatibility }),
    // Keys in sort order, as the file has them: the writer copies an object that has not.
    schema: Object.freeze({
      format: subject.schema.format,
      references: Object.freeze(
        subject.schema.references.map((r) =>
          Object.freeze({ name: r.name, subject_name: r.subject }),
        ),
      ),
      schema: literal(subject.schema.text),
    }),
  }),
);
