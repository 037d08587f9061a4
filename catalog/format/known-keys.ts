// The keys each part of the catalog formats allows, read from the zod shapes themselves, for
// "did you mean …?" and "allowed keys: …" hints on unknown keys.
import { app as appShape, domainFile, topic as topicShape } from './domain-file';
import { platformFile } from './platform-file';
import type { Path } from '../source';

/** The keys allowed at a path, for "did you mean" and "allowed keys" hints. */
export function knownKeysAt(path: Path, file = 'topics/x.yaml'): string[] {
  const named = path.filter((p): p is string => typeof p === 'string');
  if (file === 'platform.yaml') return platformKeys(named);
  return domainKeys(named);
}

function shapeKeys(shape: unknown): string[] {
  const s = shape as
    { shape?: Record<string, unknown>; def?: { innerType?: unknown; shape?: unknown } } | undefined;
  if (!s) return [];
  if (s.shape) return Object.keys(s.shape);
  if (s.def?.innerType) return shapeKeys(s.def.innerType);
  return [];
}

function child(shape: unknown, key: string): unknown {
  const keys = (shape as { shape?: Record<string, unknown> })?.shape;
  if (keys && key in keys) return keys[key];
  const inner = (shape as { def?: { innerType?: unknown; valueType?: unknown; element?: unknown } })
    ?.def;
  if (inner?.innerType) return child(inner.innerType, key);
  return undefined;
}

/** Walks a zod shape by path, stepping through records (whose keys are free names). */
function walkShape(root: unknown, path: string[]): unknown {
  let shape: unknown = root;
  for (const seg of path) {
    const direct = child(shape, seg);
    if (direct) {
      shape = direct;
      continue;
    }
    const def = unwrap(shape) as { def?: { valueType?: unknown } } | undefined;
    if (def?.def?.valueType) shape = def.def.valueType;
    else return undefined;
  }
  return shape;
}

function unwrap(shape: unknown): unknown {
  let s = shape as { def?: { innerType?: unknown; type?: string; in?: unknown } } | undefined;
  while (s?.def?.innerType || s?.def?.type === 'pipe') {
    s = (s.def.innerType ?? s.def.in) as typeof s;
  }
  return s;
}

function platformKeys(path: string[]): string[] {
  return shapeKeys(unwrap(walkShape(platformFile, path)));
}

function domainKeys(path: string[]): string[] {
  if (path[0] === 'topics' && path.length >= 2)
    return shapeKeys(unwrap(walkShape(topicShape, path.slice(2))));
  if (path[0] === 'apps' && path.length >= 2)
    return shapeKeys(unwrap(walkShape(appShape, path.slice(2))));
  return shapeKeys(unwrap(walkShape(domainFile, path)));
}
