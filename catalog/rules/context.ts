// What every rule sees: the parsed files (with positions) and where to report.
import type { Diagnostics } from '../diagnostics';
import type { AppSpec, DomainHeader, TopicSpec } from '../format/domain-file';
import type { PlatformFile } from '../format/platform-file';
import type { ResolvedSchema } from '../schemas/resolve';
import type { SourceFile } from '../source';

export interface DomainDraft {
  readonly file: string;
  readonly source: SourceFile;
  /** The domain's name (its file's name when the header itself is broken). */
  readonly domain: string;
  /** undefined when the header (domain, description, owners) failed its check. */
  readonly header?: DomainHeader;
  /** Apps that passed their check, by name. */
  readonly apps: ReadonlyMap<string, AppSpec>;
  /** Topics that passed their shape check, by key. */
  readonly topics: ReadonlyMap<string, TopicSpec>;
  /** Topics that did not (their errors are already reported). */
  readonly brokenTopics: ReadonlySet<string>;
}

export interface RuleContext {
  readonly platform: PlatformFile;
  readonly platformSource: SourceFile;
  readonly domains: readonly DomainDraft[];
  /** Domains with a broken header, app or topic: references into them are not reported. */
  readonly brokenDomains: ReadonlySet<string>;
  readonly schemas: ReadonlyMap<string, ResolvedSchema>;
  readonly diagnostics: Diagnostics;
}

export type Rule = (ctx: RuleContext) => void;
