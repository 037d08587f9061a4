// Bearer tokens with two roles. Only SHA-256 hashes are configured or kept in memory, and they
// are compared in constant time, so neither the config nor a timing probe gives a token away.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export type Role = 'reader' | 'operator';

export const tokenConfig = z.strictObject({
  name: z.string().min(1),
  role: z.enum(['reader', 'operator']),
  /** Hex SHA-256 of the token. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'a hex SHA-256 digest (64 characters)'),
});

export type TokenConfig = z.infer<typeof tokenConfig>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `sprc_${randomBytes(24).toString('base64url')}`;
}

export interface Caller {
  readonly name: string;
  readonly role: Role;
}

export class TokenVerifier {
  private readonly entries: { name: string; role: Role; digest: Buffer }[];

  constructor(tokens: readonly TokenConfig[]) {
    this.entries = tokens.map((t) => ({
      name: t.name,
      role: t.role,
      digest: Buffer.from(t.sha256.toLowerCase(), 'hex'),
    }));
  }

  /** The caller behind an Authorization header, or undefined. */
  verify(header: string | undefined): Caller | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return m ? this.verifyToken(m[1] as string) : undefined;
  }

  /** The caller a token belongs to (the status page's login form sends it bare), or undefined. */
  verifyToken(token: string): Caller | undefined {
    if (token === '' || /\s/.test(token)) return undefined;
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Caller | undefined;
    // Compare with every entry, not stopping at a match: the time does not depend on which.
    for (const e of this.entries) {
      if (timingSafeEqual(digest, e.digest) && !found) found = { name: e.name, role: e.role };
    }
    return found;
  }
}
