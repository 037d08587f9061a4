// The status page's sessions. A login exchanges a token for a random session id in an HttpOnly,
// SameSite=Strict cookie: the browser never holds the token, and the server keeps only the id's
// SHA-256 (a memory dump or a timing probe of the map gives no usable cookie away). Sessions live
// in this process: logout and expiry end them here, and a restart ends them all.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from './auth';

export const SESSION_COOKIE = 'streamplane_session';
/** A working day: long enough for a dashboard left open, short enough to lapse overnight. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface Session {
  readonly caller: Caller;
  /** The logout form's anti-CSRF token (a form cannot read the HttpOnly cookie, the page can). */
  readonly csrf: string;
  readonly expiresAt: number;
}

const ID = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url

const digestOf = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');

export interface SessionStoreOptions {
  readonly ttlMs?: number;
  /** Sessions kept at most; the oldest goes first (only valid tokens make sessions). */
  readonly capacity?: number;
  readonly now?: () => number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  readonly ttlMs: number;
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(opts: SessionStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? SESSION_TTL_MS;
    this.capacity = opts.capacity ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** A new session for a caller whose token was verified; the id goes in the cookie only. */
  create(caller: Caller): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    const session: Session = {
      caller: { name: caller.name, role: caller.role },
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: this.now() + this.ttlMs,
    };
    this.sweep();
    this.sessions.set(digestOf(id), session);
    while (this.sessions.size > this.capacity) {
      this.sessions.delete(this.sessions.keys().next().value as string);
    }
    return { id, session };
  }

  /** The live session behind a cookie value, or undefined (unknown, malformed or expired). */
  get(id: string | undefined): Session | undefined {
    if (!id || !ID.test(id)) return undefined;
    const key = digestOf(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  /** Ends a session (logout). */
  delete(id: string | undefined): void {
    if (id && ID.test(id)) this.sessions.delete(digestOf(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(key);
  }
}

/** The form's anti-CSRF value against the session's, in constant time. */
export function csrfMatches(session: Session, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const a = Buffer.from(session.csrf, 'utf8');
  const b = Buffer.from(value, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookie name → value from a Cookie header (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    if (name === '') continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  /** Over TLS (directly or behind a proxy that says so): the cookie is also marked Secure. */
  readonly secure: boolean;
  readonly maxAgeSeconds: number;
}

/** The Set-Cookie value of a session: HttpOnly, SameSite=Strict, Secure over TLS. */
export function sessionCookie(id: string, opts: CookieOptions): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The Set-Cookie value that removes the session cookie (logout, or a stale cookie). */
export function clearedCookie(opts: { readonly secure: boolean }): string {
  return sessionCookie('', { ...opts, maxAgeSeconds: 0 });
}

/** Whether a request came over TLS: a TLS socket, or a proxy's X-Forwarded-Proto: https. */
export function cameOverTls(req: {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket?: unknown;
}): boolean {
  // A TLS socket (node:tls TLSSocket) says so; a plain one has no `encrypted`.
  const socket = req.socket as { readonly encrypted?: unknown } | null | undefined;
  if (socket?.encrypted === true) return true;
  const raw = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(raw) ? raw[0] : raw)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
