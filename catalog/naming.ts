// The platform's naming convention, in one place: topic names, principals, group and
// transactional-id prefixes, subjects. Stacks, reconciler and client app all ask here.

export function topicName(template: string, domain: string, name: string, version: number): string {
  const parts = templateParts(template);
  // The parts put together are the replacements in turn, unless a value or the template's own
  // text holds a brace (a value could then complete a placeholder that the next replacement
  // sees) or a value holds "$" (which replaceAll reads as a pattern: "$&" is the match).
  if (!parts || special(domain) || special(name))
    return template
      .replaceAll('{domain}', domain)
      .replaceAll('{name}', name)
      .replaceAll('{version}', String(version));
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const p = parts[i];
    out +=
      (p === '{domain}' ? domain : p === '{name}' ? name : String(version)) +
      (parts[i + 1] as string);
  }
  return out;
}

function special(value: string): boolean {
  return value.includes('{') || value.includes('}') || value.includes('$');
}

/**
 * A template split at its placeholders (odd places), for one platform's convention: every
 * topic asks it, 10,000 times for a large catalog. null when its text holds other braces.
 */
const templates = new Map<string, readonly string[] | null>();

function templateParts(template: string): readonly string[] | null {
  let parts = templates.get(template);
  if (parts === undefined) {
    const split = template.split(/(\{domain\}|\{name\}|\{version\})/);
    parts = split.some((p, i) => i % 2 === 0 && (p.includes('{') || p.includes('}')))
      ? null
      : split;
    if (templates.size < 16) templates.set(template, parts);
  }
  return parts;
}

/** Every resource a domain owns starts with this (topics, subjects). */
export function domainPrefix(domain: string): string {
  return `${domain}.`;
}

/** "orders/order-service": how apps are referenced in the catalog. */
export function appId(domain: string, app: string): string {
  return `${domain}/${app}`;
}

/** The reconciler is a catalog app of the platform's own domain (topics/platform.yaml). */
export const RECONCILER_APP = Object.freeze({ domain: 'platform', name: 'reconciler' } as const);

/** "orders.order-service": the app's user name on self-managed clusters (`User:` + this). */
export function appPrincipal(domain: string, app: string): string {
  return `${domain}.${app}`;
}

/** The principal of an app id: "orders/order-service" → "orders.order-service". */
export function principalOfAppId(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : appPrincipal(id.slice(0, slash), id.slice(slash + 1));
}

/**
 * "orders.order-service.": how every consumer group and transactional id of the app starts, on
 * every cluster (its ACLs on them are PREFIXED, never wildcards). It ends at a separator that app
 * names cannot contain: without it, "payments.payment-service" would also match the groups of
 * "payments.payment-service-reports".
 */
export function appResourcePrefix(domain: string, app: string): string {
  return `${appPrincipal(domain, app)}.`;
}

/** The resource prefix of an app id: "orders/order-service" → "orders.order-service.". */
export function resourcePrefixOfAppId(id: string): string {
  return `${principalOfAppId(id)}.`;
}

/** Subjects follow TopicNameStrategy. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export function keySubject(topic: string): string {
  return `${topic}-key`;
}

/**
 * Subject of a schema registered only because another schema references it:
 * schemas/orders/types/money.avsc → "orders.types.money" (inside the domain's subject prefix).
 */
export function referenceSubject(schemaPath: string): string {
  return schemaPath
    .replace(/^schemas\//, '')
    .replace(/\.(avsc|json|proto)$/, '')
    .split('/')
    .join('.');
}

/** Kafka's own limit on topic names. */
export const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
