/**
 * Redaction of secret values: a leaf module (it imports nothing), so configuration errors,
 * logs, status and the CLI all scrub secrets the same way without depending on each other.
 * @module
 */

/** What every secret value is replaced with in logs, errors and endpoints. */
export const REDACTED = '[REDACTED]';

/**
 * A growing set of secret values (token, passwords, API keys, declared connector secrets)
 * and the scrubber that replaces them with {@link REDACTED}.
 *
 * Matching is on the literal value, longest first, and also on its JSON-escaped form so a
 * secret containing quotes or backslashes is caught inside serialized log lines. Empty
 * strings are ignored; every other value, however short, is scrubbed (a leak is worse than
 * an over-redacted line).
 */
export class SecretRedactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string> = []) {
    this.add(...secrets);
  }

  /** Adds secret values; empty and non-string values are ignored. */
  add(...secrets: unknown[]): void {
    let changed = false;
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret === '' || this.values.has(secret)) continue;
      this.values.add(secret);
      changed = true;
    }
    if (changed) this.pattern = buildPattern(this.values);
  }

  /** Number of distinct secret values known. */
  get size(): number {
    return this.values.size;
  }

  /** `text` with every occurrence of every secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    return this.pattern === undefined ? text : text.replace(this.pattern, REDACTED);
  }

  /**
   * A deep copy of a JSON-like value with every string scrubbed (keys included). Errors
   * become `{ type, message, stack }` with the same scrubbing; cycles become `"[Circular]"`.
   */
  redactValue(value: unknown): unknown {
    return this.scrub(value, new WeakSet());
  }

  private scrub(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value === 'bigint') return this.redact(value.toString());
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (value instanceof Error) {
      return {
        type: value.name,
        message: this.redact(value.message),
        ...(value.stack === undefined ? {} : { stack: this.redact(value.stack) }),
      };
    }
    if (Array.isArray(value)) return value.map((item) => this.scrub(item, seen));
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[this.redact(key)] = this.scrub(item, seen);
    }
    return out;
  }
}

/**
 * Replaces every secret value in `text` with `[REDACTED]`.
 *
 * @example
 * ```ts
 * redactSecrets('login failed for token abc123', ['abc123']); // 'login failed for token [REDACTED]'
 * ```
 */
export function redactSecrets(text: string, secrets: Iterable<string> | SecretRedactor): string {
  const redactor = secrets instanceof SecretRedactor ? secrets : new SecretRedactor(secrets);
  return redactor.redact(text);
}

function buildPattern(values: ReadonlySet<string>): RegExp | undefined {
  const forms = new Set<string>();
  for (const value of values) {
    forms.add(value);
    forms.add(JSON.stringify(value).slice(1, -1));
  }
  if (forms.size === 0) return undefined;
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(alternatives.join('|'), 'g');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
