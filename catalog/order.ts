// One order for names everywhere: by code point, the same on every machine (localeCompare is the
// ICU locale's, and its first call loads a collator, several milliseconds in a short command).

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
