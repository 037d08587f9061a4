// Every problem the catalog finds is a Diagnostic pinned to a file, line and column,
// so a domain team sees all of them at once, where they are, with what to do.

import { byCodePoint } from './order';

export type Severity = 'error' | 'warning';

export interface Position {
  /** Path relative to the catalog root, with forward slashes (e.g. "topics/orders.yaml"). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

export interface Diagnostic extends Position {
  readonly severity: Severity;
  /** Stable rule id, documented in the README (e.g. "unknown-key"). */
  readonly rule: string;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** Collects diagnostics; rules report into it and never throw for a user's mistake. */
export class Diagnostics {
  private readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  error(at: Position, rule: string, message: string, hint?: string): void {
    this.items.push(item(at, 'error', rule, message, hint));
  }

  warning(at: Position, rule: string, message: string, hint?: string): void {
    this.items.push(item(at, 'warning', rule, message, hint));
  }

  /** Findings so far, errors and warnings. */
  get size(): number {
    return this.items.length;
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  /** Sorted by file, line, column: the order a reader walks the files in. */
  all(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) =>
        byCodePoint(a.file, b.file) ||
        a.line - b.line ||
        a.col - b.col ||
        byCodePoint(a.rule, b.rule),
    );
  }
}

/** Only the position's own fields (a caller may pass a richer object), and a hint if any. */
function item(
  at: Position,
  severity: Severity,
  rule: string,
  message: string,
  hint: string | undefined,
): Diagnostic {
  // Literals, not spreads: a catalog of thousands of topics makes thousands of warnings.
  return hint
    ? { file: at.file, line: at.line, col: at.col, severity, rule, message, hint }
    : { file: at.file, line: at.line, col: at.col, severity, rule, message };
}

export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message}${hint}`;
}
