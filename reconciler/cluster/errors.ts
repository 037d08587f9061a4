// Turns client errors into ItemErrors: a message a person can act on, and whether retrying helps.
import type { ItemError } from './types';

// Errors of the connection rather than of the request: the same request may succeed later.
const TRANSIENT_NAMES = new Set([
  'TransientError',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSNonRetriableError', // kafkajs wraps an exhausted connection retry in this
  'FetchError',
  'TypeError', // fetch() reports a refused connection as TypeError: fetch failed
]);

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

/** Kafka's error type anywhere in the cause chain (kafkajs wraps protocol errors). */
export function kafkaErrorType(err: unknown): string | undefined {
  for (let e = err as ErrorLike | undefined, depth = 0; e && depth < 8; depth++) {
    if (typeof e.type === 'string') return e.type;
    e = (e.originalError ?? e.cause) as ErrorLike | undefined;
  }
  return undefined;
}

function isTransient(err: unknown): boolean {
  for (let e = err as ErrorLike | undefined, depth = 0; e && depth < 8; depth++) {
    if (e.retriable === true || e.name === 'TransientError') return true;
    if (typeof e.type === 'string') return false; // a protocol answer: the broker decided
    if (e.name && TRANSIENT_NAMES.has(e.name)) {
      // Only connection-level NonRetriable errors, not a kafkajs validation failure.
      if (e.name !== 'KafkaJSNonRetriableError' || /retr|connect|timeout/i.test(e.message ?? ''))
        return true;
    }
    e = (e.originalError ?? e.cause) as ErrorLike | undefined;
  }
  return false;
}

export function toItemError(err: unknown): ItemError {
  const type = kafkaErrorType(err);
  const e = err as ErrorLike & { status?: number };
  const message = e?.message ?? String(err);
  const code = type ?? (typeof e?.status === 'number' ? `HTTP_${e.status}` : undefined);
  return { message, ...(code ? { code } : {}), retriable: isTransient(err) };
}

/** An error whose whole request failed and which a caller may retry. */
export class TransientError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}
