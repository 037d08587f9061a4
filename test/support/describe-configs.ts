// DescribeConfigs response bodies as a broker writes them (versions 1 and 2), for testing the
// decoders that replace kafkajs' against kafkajs' own.

export interface Entry {
  name: string;
  value: string | null;
  readOnly?: boolean;
  source: number;
  sensitive?: boolean;
  synonyms?: { name: string; value: string | null; source: number }[];
}

/** A DescribeConfigs v1/v2 response body, as the broker writes it. */
export function response(
  resources: { name: string; error?: [number, string | null]; entries: Entry[] }[],
  throttle = 0,
): Buffer {
  const parts: Buffer[] = [];
  const int = (bytes: number, v: number): void => {
    const b = Buffer.alloc(bytes);
    if (bytes === 1) b.writeInt8(v);
    else if (bytes === 2) b.writeInt16BE(v);
    else b.writeInt32BE(v);
    parts.push(b);
  };
  const str = (s: string | null): void => {
    if (s === null) return int(2, -1);
    const b = Buffer.from(s, 'utf8');
    int(2, b.length);
    parts.push(b);
  };
  int(4, throttle);
  int(4, resources.length);
  for (const r of resources) {
    int(2, r.error?.[0] ?? 0);
    str(r.error?.[1] ?? null);
    int(1, 2); // TOPIC
    str(r.name);
    int(4, r.entries.length);
    for (const e of r.entries) {
      str(e.name);
      str(e.value);
      int(1, e.readOnly ? 1 : 0);
      int(1, e.source);
      int(1, e.sensitive ? 1 : 0);
      int(4, e.synonyms?.length ?? 0);
      for (const s of e.synonyms ?? []) {
        str(s.name);
        str(s.value);
        int(1, s.source);
      }
    }
  }
  return Buffer.concat(parts);
}
