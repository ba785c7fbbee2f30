import { ConnectorError } from './errors.js';
import type { ProducerConfig } from './producer-config.js';

/**
 * Pattern syntax of a route's `from`:
 * - `mqtt`: MQTT topic filters, levels split on `/`; `+` matches exactly one level (possibly
 *   empty), `#` (last level only) matches any number of levels including none, so `a/#`
 *   also matches `a`; filters starting with a wildcard never match topics starting with `$`.
 * - `glob`: path globs, segments split on `/`; `*` matches within a segment, a `**` segment
 *   matches zero or more whole segments (`a/**` matches `a`, `a/b`, `a/b/c`).
 * - `auto` (default): per pattern, `+`/`#` levels → mqtt, `*` → glob, neither → exact match.
 */
export type PatternSyntax = 'auto' | 'mqtt' | 'glob';

/** One `[[routes]]` table entry as it comes from the TOML (snake_case). Extra keys are kept. */
export interface RouteEntry {
  /** Pattern matched against the external name (MQTT topic, URL path, table, …). */
  from: string;
  /** Destination Danube topic `/namespace/name`. */
  to: string;
  /** Partitions of the destination topic (default 0 = not partitioned). */
  partitions?: number;
  /** Reliable dispatch for the destination topic (default false). */
  reliable_dispatch?: boolean;
}

/** The result of a successful {@link TopicRouter.route}: destination plus the route's extra keys. */
export type RouteMatch<R extends RouteEntry = RouteEntry> = Omit<
  R,
  'from' | 'to' | 'partitions' | 'reliable_dispatch'
> & {
  /** Destination Danube topic. */
  topic: string;
  partitions: number;
  reliableDispatch: boolean;
  /** The `from` pattern that matched. */
  pattern: string;
  /** Index of the matching entry in the routes table. */
  index: number;
};

/** Options of {@link TopicRouter}. */
export interface TopicRouterOptions {
  /** Pattern syntax; default `'auto'`. */
  syntax?: PatternSyntax;
  /** Key path of the routes table for error messages, e.g. `'mqtt.routes'`; default `'routes'`. */
  path?: string;
}

type Matcher = (name: string) => boolean;

const CACHE_LIMIT = 10_000;
const NO_MATCH = Symbol('no-match');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileMqtt(filter: string, where: string): Matcher {
  const levels = filter.split('/');
  levels.forEach((level, i) => {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      throw ConnectorError.config(
        `${where}: "#" must be a whole level and the last one in MQTT filter "${filter}"`,
      );
    }
    if (level.includes('+') && level !== '+') {
      throw ConnectorError.config(`${where}: "+" must be a whole level in MQTT filter "${filter}"`);
    }
  });
  const wildcardFirst = levels[0] === '+' || levels[0] === '#';
  return (topic) => {
    if (wildcardFirst && topic.startsWith('$')) return false;
    const parts = topic.split('/');
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i];
      if (level === '#') return true;
      if (i >= parts.length) return false;
      if (level !== '+' && level !== parts[i]) return false;
    }
    return parts.length === levels.length;
  };
}

function compileGlob(pattern: string): Matcher {
  const segments = pattern.split('/');
  let source = '^';
  let skipSeparator = true;
  segments.forEach((segment, i) => {
    if (segment === '**') {
      if (segments.length === 1) source += '.*';
      else if (i === 0) source += '(?:.*/)?';
      else source += '(?:/.*)?';
      skipSeparator = i === 0;
      return;
    }
    if (!skipSeparator) source += '/';
    skipSeparator = false;
    source += segment.split('*').map(escapeRegExp).join('[^/]*');
  });
  const regex = new RegExp(`${source}$`, 's');
  return (name) => regex.test(name);
}

function compile(pattern: string, syntax: PatternSyntax, where: string): Matcher {
  const mqttLike = pattern.split('/').some((level) => level.includes('+') || level.includes('#'));
  const globLike = pattern.includes('*');
  if (syntax === 'mqtt') return compileMqtt(pattern, where);
  if (syntax === 'glob') return compileGlob(pattern);
  if (mqttLike && globLike) {
    throw ConnectorError.config(
      `${where}: pattern "${pattern}" mixes MQTT wildcards (+, #) and glob wildcards (*); set the syntax explicitly`,
    );
  }
  if (mqttLike) return compileMqtt(pattern, where);
  if (globLike) return compileGlob(pattern);
  return (name) => name === pattern;
}

/**
 * Routes external names (MQTT topics, URL paths, table names) to Danube topics with a
 * `[[routes]]` table. The first matching entry wins. Matches are cached.
 *
 * @example
 * ```ts
 * const router = new TopicRouter([
 *   { from: 'sensors/+/temp', to: '/iot/temperature', partitions: 4, qos: 1 },
 *   { from: 'sensors/#', to: '/iot/other' },
 * ]);
 * router.route('sensors/k1/temp');  // { topic: '/iot/temperature', partitions: 4, reliableDispatch: false, qos: 1, … }
 * router.producerConfigs();          // one ProducerConfig per destination topic
 * ```
 */
export class TopicRouter<R extends RouteEntry = RouteEntry> {
  private readonly routes: ReadonlyArray<{ entry: R; matches: Matcher; result: RouteMatch<R> }>;
  private readonly cache = new Map<string, RouteMatch<R> | typeof NO_MATCH>();

  constructor(routes: readonly R[], options: TopicRouterOptions = {}) {
    const syntax = options.syntax ?? 'auto';
    const path = options.path ?? 'routes';
    const asUnknown: unknown = routes;
    if (!Array.isArray(asUnknown))
      throw ConnectorError.config(`${path} must be an array of route tables`);
    this.routes = routes.map((entry, index) => {
      const where = `${path}[${index}]`;
      if (typeof entry?.from !== 'string' || entry.from.length === 0) {
        throw ConnectorError.config(`${where}.from must be a non-empty pattern`);
      }
      if (typeof entry.to !== 'string' || !/^\/[^/\s]+\/[^/\s]+$/.test(entry.to)) {
        throw ConnectorError.config(
          `${where}.to ${JSON.stringify(entry.to)} is not a Danube topic "/namespace/name"`,
        );
      }
      const partitions = entry.partitions ?? 0;
      if (!Number.isInteger(partitions) || partitions < 0) {
        throw ConnectorError.config(`${where}.partitions must be a whole number ≥ 0`);
      }
      const { from, to, partitions: _p, reliable_dispatch, ...extra } = entry;
      const result = Object.freeze({
        ...extra,
        topic: to,
        partitions,
        reliableDispatch: reliable_dispatch ?? false,
        pattern: from,
        index,
      }) as RouteMatch<R>;
      return { entry, matches: compile(from, syntax, where), result };
    });
    this.checkConsistentDestinations(path);
  }

  /** The destination for `name`, or `undefined` when no route matches. */
  route(name: string): RouteMatch<R> | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached === NO_MATCH ? undefined : cached;
    const found = this.routes.find((r) => r.matches(name))?.result;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(name, found ?? NO_MATCH);
    return found;
  }

  /** Whether `pattern` (in the given syntax) matches `name`, without building a router. */
  static matches(pattern: string, name: string, syntax: PatternSyntax = 'auto'): boolean {
    return compile(pattern, syntax, 'pattern')(name);
  }

  /** One {@link ProducerConfig} per distinct destination topic, in table order. */
  producerConfigs(): ProducerConfig[] {
    const byTopic = new Map<string, ProducerConfig>();
    for (const { result } of this.routes) {
      if (!byTopic.has(result.topic)) {
        byTopic.set(result.topic, {
          topic: result.topic,
          partitions: result.partitions,
          reliableDispatch: result.reliableDispatch,
        });
      }
    }
    return [...byTopic.values()];
  }

  private checkConsistentDestinations(path: string): void {
    const seen = new Map<string, RouteMatch<R>>();
    for (const { result } of this.routes) {
      const first = seen.get(result.topic);
      if (first === undefined) {
        seen.set(result.topic, result);
      } else if (
        first.partitions !== result.partitions ||
        first.reliableDispatch !== result.reliableDispatch
      ) {
        throw ConnectorError.config(
          `${path}[${result.index}] sends to ${result.topic} with other partitions / reliable_dispatch than ${path}[${first.index}]`,
        );
      }
    }
  }
}
