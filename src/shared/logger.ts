import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** The logging port the whole app uses: pino's interface (structured JSON, levels with meaning). */
export type Logger = PinoLogger;

export interface LoggerOptions {
  readonly level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was written. */
  readonly destination?: DestinationStream;
  readonly name?: string;
}

const REDACTED = '[redacted]';

/** Keys whose values are never written, at any depth: secrets, tokens, credentials, and account identifiers. */
const sensitiveKey =
  /(secret|password|passwd|token|authorization|cookie|assertion|credential|apikey|api_key|secretskey|^key$|^upn$|userprincipalname|^mail$|^email$|preferred_username|^state$)/i;

/** Token-shaped text inside strings (messages, error texts, URLs). */
const jwtPattern = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const bearerPattern = /\b(Bearer|Basic)\s+[\w\-.~+/=]+/gi;
const secretParamPattern =
  /\b(client_secret|client_assertion|access_token|refresh_token|code|password)=([^&\s"']+)/gi;

/** Removes tokens and secrets from a piece of text. */
export function scrubText(text: string): string {
  return text
    .replace(jwtPattern, REDACTED)
    .replace(bearerPattern, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(secretParamPattern, (_match, name: string) => `${name}=${REDACTED}`);
}

/** A deep copy of a value fit for a log line: sensitive keys replaced, token-shaped text removed, errors flattened. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return scrubError(value, depth);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = sensitiveKey.test(key) ? REDACTED : scrubValue(item, depth + 1);
  }
  return out;
}

function scrubError(error: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: scrubText(error.message) };
  if (error.stack !== undefined) out.stack = scrubText(error.stack);
  for (const key of ['code', 'status', 'statusCode', 'requestId', 'retryable'] as const) {
    const item = (error as unknown as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = scrubValue(item, depth + 1);
  }
  if (error.cause !== undefined) out.cause = scrubValue(error.cause, depth + 1);
  return out;
}

/**
 * Creates the app's logger: JSON lines, and every argument scrubbed before it is written, so neither a secret
 * nor a token nor an authorization header can reach a log line whatever a caller passes.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      ...(options.name === undefined ? {} : { name: options.name }),
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg: unknown) => scrubValue(arg)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
