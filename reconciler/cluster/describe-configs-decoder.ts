// A faster decoder for kafkajs' DescribeConfigs responses (versions 1 and 2, the ones kafkajs
// 2.2 negotiates with any broker since Kafka 2.0), installed in place of its own.
//
// Reading a cluster describes the configs of every managed topic in one request: about 37
// entries per topic (every topic config, with its source), 1.4 MB for 1,000 topics. kafkajs
// decodes each entry into two new strings and an object; most entries are the broker's defaults,
// byte for byte the same from one topic to the next. This decoder compares each entry's bytes
// with the same entry of the topic before (a native comparison, no string made) and reuses that
// entry's decoded object when they are equal. The result has the same shape and content as
// kafkajs' (its objects are only shared), so every caller of kafkajs' describeConfigs is served
// alike.
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs' protocol modules have no types */

interface Synonym {
  configName: string | null;
  configValue: string | null;
  configSource: number;
}

interface ConfigEntry {
  configName: string | null;
  configValue: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  configSynonyms: Synonym[];
}

interface Resource {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string | null;
  configEntries: ConfigEntry[];
}

/** kafkajs' ConfigSource.DEFAULT_CONFIG: what its own decoder reports as `isDefault`. */
const DEFAULT_CONFIG = 5;

class Reader {
  offset = 0;
  constructor(readonly buffer: Buffer) {}

  int8(): number {
    const v = this.buffer.readInt8(this.offset);
    this.offset += 1;
    return v;
  }

  int16(): number {
    const v = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    const v = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  string(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    const v = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  skipString(): void {
    const length = this.int16();
    if (length > 0) this.offset += length;
  }

  /** Where the config entry starting here ends, read without decoding it. */
  entryEnd(): number {
    const start = this.offset;
    this.skipString(); // config_name
    this.skipString(); // config_value
    this.offset += 3; // read_only, config_source, is_sensitive
    const synonyms = this.int32();
    for (let i = 0; i < synonyms; i++) {
      this.skipString();
      this.skipString();
      this.offset += 1;
    }
    const end = this.offset;
    this.offset = start;
    return end;
  }

  entry(): ConfigEntry {
    const configName = this.string();
    const configValue = this.string();
    const readOnly = this.int8() === 1;
    const configSource = this.int8();
    const isSensitive = this.int8() === 1;
    const count = this.int32();
    const configSynonyms: Synonym[] = [];
    for (let i = 0; i < count; i++)
      configSynonyms.push({
        configName: this.string(),
        configValue: this.string(),
        configSource: this.int8(),
      });
    return {
      configName,
      configValue,
      readOnly,
      isDefault: configSource === DEFAULT_CONFIG,
      configSource,
      isSensitive,
      configSynonyms,
    };
  }
}

/** The layout of DescribeConfigs responses v1 and v2 (v2 only adds throttling semantics). */
export function decodeDescribeConfigs(raw: Buffer): {
  throttleTime: number;
  resources: Resource[];
} {
  const r = new Reader(raw);
  const throttleTime = r.int32();
  const count = r.int32();
  const resources: Resource[] = [];
  // The previous resource's entries: their bytes' offsets and decoded objects, by position.
  let previous: { start: number; end: number; entry: ConfigEntry }[] = [];
  for (let i = 0; i < count; i++) {
    const errorCode = r.int16();
    const errorMessage = r.string();
    const resourceType = r.int8();
    const resourceName = r.string();
    const entries = r.int32();
    const configEntries: ConfigEntry[] = [];
    const current: typeof previous = [];
    for (let j = 0; j < entries; j++) {
      const start = r.offset;
      const end = r.entryEnd();
      const before = previous[j];
      let entry: ConfigEntry;
      if (before && raw.compare(raw, before.start, before.end, start, end) === 0) {
        entry = before.entry;
        r.offset = end;
      } else {
        entry = r.entry();
      }
      configEntries.push(entry);
      current.push({ start, end, entry });
    }
    previous = current;
    resources.push({ errorCode, errorMessage, resourceType, resourceName, configEntries });
  }
  return { throttleTime, resources };
}

let installed = false;

/** Puts the decoder in kafkajs' place for DescribeConfigs v1 and v2 (once per process). */
export function installDescribeConfigsDecoder(): void {
  if (installed) return;
  installed = true;
  const base = 'kafkajs/src/protocol/requests/describeConfigs';
  const v1 = require(`${base}/v1/response`) as { decode: unknown };
  const v2 = require(`${base}/v2/response`) as { decode: unknown };
  v1.decode = async (raw: Buffer) => decodeDescribeConfigs(raw);
  v2.decode = async (raw: Buffer) => {
    const decoded = decodeDescribeConfigs(raw);
    // As kafkajs' v2: the broker already throttled, nothing for the client to wait for.
    return { ...decoded, throttleTime: 0, clientSideThrottleTime: decoded.throttleTime };
  };
}
