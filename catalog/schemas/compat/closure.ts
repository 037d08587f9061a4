// The files a schema version consists of: the schema and everything it references.
import type { SchemaFile } from '../../model';
import { referenceClosure } from '../../references';

type SchemaFiles = ReadonlyMap<string, SchemaFile>;

/** Paths of `root` and every file it references, transitively (references first). */
export function closureOf(root: SchemaFile, files: SchemaFiles): string[] {
  const file = (path: string): SchemaFile | undefined => (path === root.path ? root : files.get(path));
  return referenceClosure([root.path], (path) => (file(path)?.references ?? []).map((r) => r.file));
}

/** Whether two versions have the same text and reference the same texts (so nothing changed). */
export function sameClosure(a: SchemaFile, aFiles: SchemaFiles, b: SchemaFile, bFiles: SchemaFiles): boolean {
  const pa = closureOf(a, aFiles);
  const pb = closureOf(b, bFiles);
  const text = (root: SchemaFile, files: SchemaFiles, path: string): string | undefined =>
    path === root.path ? root.text : files.get(path)?.text;
  return (
    pa.length === pb.length &&
    pa.every((p, i) => p === pb[i] && text(a, aFiles, p) === text(b, bFiles, p))
  );
}
