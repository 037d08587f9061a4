// Turns zod's issues into positioned diagnostics with stable rule ids and hints.
import { isMap, isSeq } from 'yaml';
import type { z } from 'zod';
import type { Diagnostics } from './diagnostics';
import type { IssueParams } from './format/common';
import type { Path, SourceFile } from './source';
import { didYouMean } from './suggest';

/** Extra words for keys people commonly put in the wrong place. */
const MISPLACED_KEY_HINTS: Record<string, string> = {
  transactional:
    'transactions belong to the producing app: set "transactional: true" on the app under apps:',
  'retention.ms': 'use "retention:" with a unit, e.g. retention: 7d',
  'cleanup.policy': 'use "cleanupPolicy:"',
  replicationFactor: 'replication is set per environment by the platform team in platform.yaml',
};

/**
 * Reports every issue of a failed parse. `base` is where the parsed value sits in the file;
 * `allowedKeys` lists the keys of each object schema, for suggestions.
 */
export function reportZodIssues(
  error: z.ZodError,
  source: SourceFile,
  diagnostics: Diagnostics,
  base: Path = [],
  knownKeys: (path: Path) => string[] = () => [],
): void {
  for (const issue of error.issues) {
    const path: Path = [...base, ...(issue.path as (string | number)[])];
    const where = describe(path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const known = knownKeys(path);
          diagnostics.error(
            source.locate([...path, key], true),
            'unknown-key',
            `unknown key "${key}"${where ? ` in ${where}` : ''}`,
            MISPLACED_KEY_HINTS[key] ??
              didYouMean(key, known) ??
              (known.length ? `allowed keys: ${known.join(', ')}` : 'remove it'),
          );
        }
        break;
      case 'invalid_type':
        if (!source.has(path)) {
          const key = path[path.length - 1];
          diagnostics.error(
            source.locate(path),
            'missing-key',
            `missing required key "${String(key)}"${path.length > 1 ? ` in ${describe(path.slice(0, -1))}` : ''}`,
            `add "${String(key)}:"`,
          );
        } else {
          diagnostics.error(
            source.locate(path),
            'invalid-type',
            `${where || 'value'}: expected ${issue.expected}, got ${typeName(source, path)}`,
          );
        }
        break;
      case 'too_small':
      case 'too_big': {
        const bound =
          issue.code === 'too_small'
            ? `at least ${String(issue.minimum)}`
            : `at most ${String(issue.maximum)}`;
        const what =
          issue.origin === 'string'
            ? 'length must be'
            : issue.origin === 'array'
              ? 'must have'
              : 'must be';
        diagnostics.error(
          source.locate(path),
          'out-of-range',
          `${where || 'value'} ${what} ${bound}`,
        );
        break;
      }
      case 'invalid_value':
        diagnostics.error(
          source.locate(path),
          'invalid-value',
          `${where || 'value'} must be one of: ${issue.values.map(String).join(', ')}`,
          didYouMean(String(valueAt(source, path)), issue.values.map(String)),
        );
        break;
      case 'custom': {
        const params = issue.params as IssueParams | undefined;
        diagnostics.error(
          source.locate(
            path,
            (params?.rule === 'invalid-name' || params?.rule === 'name-too-long') &&
              isKeyPath(source, path),
          ),
          params?.rule ?? 'invalid-value',
          where ? `${where}: ${issue.message}` : issue.message,
          params?.hint,
        );
        break;
      }
      case 'invalid_key': {
        // A record key failed its check (e.g. a topic name): report each inner issue on the key.
        for (const inner of issue.issues) {
          const params = (inner as { params?: IssueParams }).params;
          diagnostics.error(
            source.locate(path, true),
            params?.rule ?? 'invalid-name',
            `"${String(path[path.length - 1])}": ${inner.message}`,
            params?.hint,
          );
        }
        break;
      }
      default:
        diagnostics.error(
          source.locate(path),
          'invalid-value',
          `${where || 'value'}: ${issue.message}`,
        );
    }
  }
}

function describe(path: Path): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

function valueAt(source: SourceFile, path: Path): unknown {
  return source.doc.getIn(path as unknown[]);
}

function typeName(source: SourceFile, path: Path): string {
  const v = source.doc.getIn(path as unknown[]);
  if (v === null || v === undefined) return 'nothing';
  if (isMap(v)) return 'a mapping';
  if (isSeq(v)) return 'a list';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function isKeyPath(source: SourceFile, path: Path): boolean {
  return path.length > 0 && typeof path[path.length - 1] === 'string' && source.has(path);
}
