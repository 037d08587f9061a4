// A domain's subjects: compatibility (`subject_config`, set before anything is registered) and
// schemas (`schema_<layer>`, see layers.ts), each with its references as `schema_reference`
// blocks pointing at the referenced subject's registered version.
import { Construct } from 'constructs';
import type { Subject } from '../../catalog/model';
import { Schema } from '../.gen/providers/confluent/schema';
import { SubjectConfig } from '../.gen/providers/confluent/subject-config';
import { Entries } from '../shared/entries';
import { instanceAttribute } from '../shared/refs';
import { literal } from '../shared/terraform-text';

export interface SchemaReferenceEntry {
  readonly name: string;
  readonly subject_name: string;
  /** The referenced subject's registered version (a reference to its resource). */
  readonly version: string;
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

export class SchemaTable extends Construct {
  private readonly compatibility = new Entries<{ level: string }>();
  private readonly entries: Entries<SchemaEntry>[] = [];
  private readonly blocks: Schema[] = [];

  constructor(scope: Construct, id: string, props: SchemaTableProps) {
    super(scope, id);
    const ci = this.compatibility.iterator();
    const config = new SubjectConfig(this, 'subject_config', {
      forEach: ci,
      subjectName: ci.key,
      compatibilityLevel: ci.getString('level'),
    });
    config.overrideLogicalId('subject_config');
    for (let layer = 0; layer < props.layers; layer++) {
      const entries = new Entries<SchemaEntry>();
      const it = entries.iterator();
      const block = new Schema(this, `schema_${layer}`, {
        forEach: it,
        subjectName: it.key,
        format: it.getString('format'),
        schema: it.getString('schema'),
        dependsOn: [config],
      });
      block.overrideLogicalId(`schema_${layer}`);
      // Written by hand: cdktf names a nested dynamic iterator `each`, which shadows for_each's.
      block.addOverride('dynamic.schema_reference', {
        for_each: '${each.value.references}',
        content: {
          name: '${schema_reference.value.name}',
          subject_name: '${schema_reference.value.subject_name}',
          version: '${schema_reference.value.version}',
        },
      });
      this.entries.push(entries);
      this.blocks.push(block);
    }
  }

  /** Registers a subject in its layer; `version` resolves the subjects it references. */
  add(subject: Subject, layer: number, version: (subject: string) => string): void {
    const entries = this.entries[layer];
    if (!entries) throw new Error(`no schema layer ${layer} for ${subject.name}`);
    this.compatibility.add(subject.name, { level: subject.compatibility });
    entries.add(subject.name, {
      format: subject.schema.format,
      schema: literal(subject.schema.text),
      references: subject.schema.references.map((r) => ({
        name: r.name,
        subject_name: r.subject,
        version: version(r.subject),
      })),
    });
  }

  /** The registered version of one of this domain's subjects. */
  version(subject: string, layer: number): string {
    const block = this.blocks[layer];
    if (!block) throw new Error(`no schema layer ${layer} for ${subject}`);
    return instanceAttribute(block, subject, 'version');
  }
}
