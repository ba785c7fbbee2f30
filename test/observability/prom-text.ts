/** A tiny, strict parser of the Prometheus text exposition format (0.0.4), for tests. */

/** One sample line. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family: its HELP, TYPE and samples. */
export interface Family {
  name: string;
  help: string;
  type: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

/** Parses exposition text; throws on any malformed line. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, help: '', type: 'untyped', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const where = `line ${index + 1}: ${line}`;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const [, kind, name, ...rest] = line.split(' ');
      if (name === undefined || !NAME.test(name)) throw new Error(`bad metric name, ${where}`);
      if (kind === 'HELP') family(name).help = rest.join(' ');
      else {
        const type = rest.join(' ');
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type)) {
          throw new Error(`bad type, ${where}`);
        }
        family(name).type = type;
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`bad sample, ${where}`);
    const [, name = '', , labelText = '', valueText = ''] = match;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const start = LABEL.lastIndex;
      const label = LABEL.exec(labelText);
      if (label === null || LABEL.lastIndex === start) throw new Error(`bad labels, ${where}`);
      labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
    }
    // Go's ParseFloat (what Prometheus uses) accepts Inf/NaN in any case; prom-client writes "Nan".
    const special: Record<string, number> = {
      '+inf': Infinity,
      inf: Infinity,
      '-inf': -Infinity,
      nan: NaN,
    };
    const value = special[valueText.toLowerCase()] ?? Number(valueText);
    if (Number.isNaN(value) && valueText.toLowerCase() !== 'nan') {
      throw new Error(`bad value, ${where}`);
    }
    const base = SUFFIXES.reduce(
      (n, suffix) =>
        n.endsWith(suffix) && families.has(n.slice(0, -suffix.length))
          ? n.slice(0, -suffix.length)
          : n,
      name,
    );
    const owner = families.get(base) ?? families.get(name);
    if (owner === undefined) throw new Error(`sample without HELP/TYPE, ${where}`);
    owner.samples.push({ name, labels, value });
  }
  return families;
}

/** The value of the sample `name` whose labels include `labels`, or undefined. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
