// The schema registry clusters' REST endpoint: Confluent's Schema Registry API, proxied to the
// real local registry (Apicurio's Confluent-compatible API). Authentication is an API key of that
// registry cluster; authorization is the key owner's role bindings on `subject=<name>`, as on
// Confluent Cloud. Lists are filtered to the subjects the caller may read.
import { allowed, crn } from './access';
import type { Action } from './access';
import { registryPath } from './control-plane';
import { forbidden, requireResourceKey } from './control-plane';
import { checkCompatibility, isReferenceFailure } from './compatibility';
import { HttpError, route } from './http';
import type { Request, Route } from './http';
import type { Store } from './store';

const PREFIX = '^/schema-registry/(?<registry>lsrc-[a-z0-9]+)(?<rest>/.*)?$';

export function registryRoutes(store: Store, upstream: string): Route[] {
  const s = store.state;
  const handler = async (req: Request) => {
    const r = s.registries[req.params.registry ?? ''];
    if (!r) throw new HttpError(404, { error_code: 40401, message: 'schema registry not found' });
    const key = requireResourceKey(s, req, r.id);
    const registryCrn = crn.registry(s, r.environmentId, r.id);
    const can = (action: Action, subject: string): boolean =>
      allowed(s, key.ownerId, action, `${registryCrn}/subject=${subject}`);
    const rest = req.params.rest ?? '/';
    const { subject, action } = target(req.method, rest);
    if (subject !== undefined && action !== undefined && !can(action, subject)) {
      throw forbidden(`${req.method} ${registryPath(r.id)}${rest}`, action);
    }
    if (req.method === 'GET' && rest === '/schemas') {
      return {
        status: 200,
        body: await listSchemas(upstream, req.query, (subject) => can('subject:read', subject)),
        contentType: SR_JSON,
      };
    }
    const upstreamUrl = `${upstream}${rest}${req.query.size > 0 ? `?${req.query.toString()}` : ''}`;
    const res = await fetch(upstreamUrl, {
      method: req.method,
      headers: {
        accept: req.headers.accept ?? 'application/json',
        ...(req.rawBody.length > 0
          ? {
              'content-type':
                req.headers['content-type'] ?? 'application/vnd.schemaregistry.v1+json',
            }
          : {}),
      },
      ...(req.rawBody.length > 0 ? { body: req.rawBody } : {}),
    });
    const contentType = res.headers.get('content-type') ?? 'application/json';
    let raw = Buffer.from(await res.arrayBuffer());
    const compatibility = COMPATIBILITY.exec(rest);
    if (req.method === 'POST' && compatibility && isReferenceFailure(res.status, raw)) {
      const answer = await checkCompatibility(
        reader(upstream),
        decodeURIComponent(compatibility[1] ?? ''),
        compatibility[2] !== undefined,
        req.body as Parameters<typeof checkCompatibility>[3],
      );
      return { status: 200, body: answer, contentType: SR_JSON };
    }
    if (res.status === 404 && isNewSubjectCompatibility(req.method, rest, raw)) {
      // Confluent answers a compatibility check against a subject with no versions yet as
      // compatible (anything may be registered first); Apicurio answers 40401.
      return { status: 200, body: { is_compatible: true, messages: [] }, contentType: SR_JSON };
    }
    // Lists show only what the caller may read.
    if (req.method === 'GET' && res.ok && (rest === '/subjects' || rest === '/schemas')) {
      const items = JSON.parse(raw.toString('utf8')) as unknown[];
      const visible = items.filter((item) =>
        can(
          'subject:read',
          typeof item === 'string' ? item : String((item as { subject?: unknown }).subject),
        ),
      );
      raw = Buffer.from(JSON.stringify(visible));
    }
    return { status: res.status, raw, contentType };
  };
  return ['GET', 'POST', 'PUT', 'DELETE'].map((method) =>
    route(method, new RegExp(PREFIX), handler),
  );
}

const SR_JSON = 'application/vnd.schemaregistry.v1+json';
const COMPATIBILITY = /^\/compatibility\/subjects\/([^/]+)\/versions(\/latest)?$/;

/** GETs of the upstream registry's JSON; its errors pass through with their status. */
function reader(upstream: string): (path: string) => Promise<unknown> {
  return async (path) => {
    const res = await fetch(`${upstream}${path}`, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new HttpError(res.status, await res.json().catch(() => ({})));
    return res.json();
  };
}

/**
 * `GET /schemas?subjectPrefix=&latestOnly=&deleted=`, which Confluent serves and Apicurio does
 * not: the versions of the readable subjects with that prefix, composed from the subject API.
 */
async function listSchemas(
  upstream: string,
  query: URLSearchParams,
  readable: (subject: string) => boolean,
): Promise<unknown[]> {
  const get = reader(upstream);
  const prefix = query.get('subjectPrefix') ?? '';
  const deleted = query.get('deleted') === 'true' ? '?deleted=true' : '';
  const subjects = ((await get(`/subjects${deleted}`)) as string[])
    .filter((subject) => subject.startsWith(prefix) && readable(subject))
    .sort();
  const out: unknown[] = [];
  for (const subject of subjects) {
    const name = encodeURIComponent(subject);
    const versions =
      query.get('latestOnly') === 'true'
        ? ['latest']
        : ((await get(`/subjects/${name}/versions${deleted}`)) as number[]).map(String);
    for (const v of versions) out.push(await get(`/subjects/${name}/versions/${v}`));
  }
  return out;
}

function isNewSubjectCompatibility(method: string, rest: string, body: Buffer): boolean {
  if (method !== 'POST' || !/^\/compatibility\/subjects\/[^/]+\/versions(\/latest)?$/.test(rest)) {
    return false;
  }
  try {
    return (JSON.parse(body.toString('utf8')) as { error_code?: unknown }).error_code === 40401;
  } catch {
    return false;
  }
}

/** The subject a registry request touches and what it does to it (undefined: no subject check). */
function target(method: string, rest: string): { subject?: string; action?: Action } {
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  const read = method === 'GET';
  switch (parts[0]) {
    case 'subjects':
      if (parts[1] === undefined) return {};
      // POST /subjects/{s} looks a schema up; POST …/versions registers one.
      return {
        subject: parts[1],
        action:
          read || (method === 'POST' && parts.length === 2) ? 'subject:read' : 'subject:write',
      };
    case 'compatibility':
      return parts[1] === 'subjects' && parts[2] !== undefined
        ? { subject: parts[2], action: 'subject:read' }
        : {};
    case 'config':
    case 'mode':
      // The global level is the whole registry's: `subject=*` covers it.
      return { subject: parts[1] ?? '*', action: read ? 'subject:read' : 'subject:write' };
    default:
      return {};
  }
}
