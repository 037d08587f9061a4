// Building blocks shared by the platform file and the domain files. Every custom check
// carries a rule id and a hint in `params`, which the issue mapper turns into a Diagnostic.
import { z } from 'zod';
import { DURATION_HINT, parseDuration, parseSize, SIZE_HINT } from '../units';

export interface IssueParams {
  rule: string;
  hint?: string;
}

/** A string check that reports under its own rule id with a hint. */
export function checked(
  test: (s: string) => boolean,
  rule: string,
  message: string,
  hint?: string,
) {
  return z.string().superRefine((s, ctx) => {
    if (!test(s))
      ctx.addIssue({ code: 'custom', message, params: { rule, hint } satisfies IssueParams });
  });
}

export const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Names of domains, apps and topics: lower-case words joined by single dashes. */
export function kebabName(what: string) {
  return z.string().superRefine((s, ctx) => {
    if (s.length > 64)
      ctx.addIssue({
        code: 'custom',
        message: `${what} name is ${s.length} characters long; at most 64 are allowed`,
        params: {
          rule: 'name-too-long',
          hint: 'topic, group and principal names are built from it and have length limits of their own',
        } satisfies IssueParams,
      });
    else if (!KEBAB.test(s))
      ctx.addIssue({
        code: 'custom',
        message: `${what} name must be kebab-case (lower-case letters, digits and single dashes, starting with a letter)`,
        params: { rule: 'invalid-name', hint: 'for example "order-created"' } satisfies IssueParams,
      });
  });
}

/** A value in human units, converted by `parse`; reported under `rule` when malformed. */
function humanUnit(
  parse: (text: string) => number | undefined,
  what: string,
  rule: string,
  hint: string,
) {
  return z.union([z.string(), z.number()]).transform((raw, ctx) => {
    const value = parse(String(raw));
    if (value !== undefined) return value;
    ctx.addIssue({
      code: 'custom',
      message: `"${raw}" is not a ${what}`,
      params: { rule, hint } satisfies IssueParams,
    });
    return z.NEVER;
  });
}

/** "7d" → 604800000; "infinite" → -1. */
export const duration = humanUnit(parseDuration, 'duration', 'invalid-duration', DURATION_HINT);

/** "512MiB" → 536870912; "infinite" → -1. */
export const size = humanUnit(parseSize, 'size', 'invalid-size', SIZE_HINT);

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export const compatibility = z.enum(COMPATIBILITY_LEVELS);
export type Compatibility = z.infer<typeof compatibility>;

export const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete'] as const;
export const cleanupPolicy = z.enum(CLEANUP_POLICIES);
export type CleanupPolicy = z.infer<typeof cleanupPolicy>;

/** Kafka topic config values are strings; YAML users may write numbers and booleans. */
export const configValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v));
