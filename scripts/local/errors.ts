/**
 * An error meant for a person at a terminal: the message is the whole story (what happened,
 * what to do), so the CLI prints it without a stack trace.
 */
export class StackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackError';
  }
}

/** The last `count` lines of `text`, for error messages that quote a log. */
export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Replaces every secret in `text`, so tool output can be quoted in an error safely. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((acc, s) => acc.split(s).join('***'), text);
}
