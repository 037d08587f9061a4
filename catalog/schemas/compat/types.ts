// What the per-format checkers report: one change between two versions of a schema.

/** A place in one version of a schema file: a JSON pointer, or an offset in its text. */
export interface Location {
  readonly file: string;
  readonly pointer?: string;
  readonly offset?: number;
}

export interface Change {
  /** The checker's change type, e.g. "MAX_LENGTH_DECREASED" or "FIELD_KIND_CHANGED". */
  readonly type: string;
  /** Whether Confluent's checker accepts this change. */
  readonly compatible: boolean;
  /** Where in the schema's structure, as the checker names it (e.g. "#/properties/id"). */
  readonly path: string;
  /** Where the change shows in the version compared from, and in the version compared to. */
  readonly original: Location | undefined;
  readonly update: Location | undefined;
  /** A sentence for people, when the type alone does not say it. */
  readonly detail?: string;
}
