import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/redact.js';
import { redactSecrets } from '../../src/redact.js';
import { BASE, errorLines, parse, warningsOf } from './helpers.js';

describe('[offsets]', () => {
  it('is optional: without it nothing is kept (store = "none"), instance 0 of 1', () => {
    const { config, warnings } = parse(BASE);
    expect(config.core.offsets).toEqual({
      store: 'none',
      table: 'danube_connect_offsets',
      lock_lease_ms: 10_000,
      instance_index: 0,
      instance_count: 1,
    });
    expect(warnings).toEqual([]);
  });

  it('store = "file" takes a path; store = "postgres" a connection URL, which is a secret', () => {
    const file = parse(`${BASE}[offsets]\nstore = "file"\npath = "state"\n`).config.core.offsets;
    expect(file).toMatchObject({ store: 'file', path: 'state' });

    const url = 'postgres://app:s3cret@db:5432/shop';
    const { config } = parse(
      `${BASE}[offsets]\nstore = "postgres"\nconnection = "${url}"\ntable = "ops.offsets"\n`,
    );
    expect(config.core.offsets).toMatchObject({
      store: 'postgres',
      connection: url,
      table: 'ops.offsets',
    });
    expect(redactSecrets(`connecting to ${url}`, config.core.secrets)).toBe(
      `connecting to ${REDACTED}`,
    );
  });

  it('refuses a store without what it needs, naming the key', () => {
    expect(errorLines(`${BASE}[offsets]\nstore = "file"\n`)).toContain(
      'connector.toml: offsets.path: required when store = "file"',
    );
    expect(errorLines(`${BASE}[offsets]\nstore = "postgres"\n`)).toContain(
      'connector.toml: offsets.connection: required when store = "postgres"',
    );
  });

  it('refuses an unknown store, a bad URL and a table name that is not a SQL name', () => {
    const lines = errorLines(
      `${BASE}[offsets]\nstore = "redis"\nconnection = "mysql://db"\ntable = "drop table; --"\n`,
    );
    expect(lines.join('\n')).toMatch(/offsets\.store: .*"none".*"file".*"postgres"/);
    expect(lines).toContain(
      'connector.toml: offsets.connection: expected a postgres:// or postgresql:// URL',
    );
    expect(lines).toContain(
      'connector.toml: offsets.table: expected a SQL identifier such as offsets or ops.offsets',
    );
  });

  it('warns about keys the chosen store ignores', () => {
    expect(
      warningsOf(`${BASE}[offsets]\nstore = "file"\npath = "s"\nconnection = "postgres://db"\n`),
    ).toEqual(['connector.toml: offsets.connection: ignored unless store = "postgres"']);
  });

  it('takes the instance index and count from CONNECTOR_INSTANCE_INDEX / _COUNT', () => {
    const { config } = parse(BASE, undefined, {
      env: { CONNECTOR_INSTANCE_INDEX: '2', CONNECTOR_INSTANCE_COUNT: '3' },
    });
    expect(config.core.offsets).toMatchObject({
      store: 'none',
      instance_index: 2,
      instance_count: 3,
    });
  });

  it('refuses an index outside the count, and says the variables may have set it', () => {
    expect(
      errorLines(BASE, undefined, {
        env: { CONNECTOR_INSTANCE_INDEX: '3', CONNECTOR_INSTANCE_COUNT: '3' },
      }),
    ).toContain(
      'connector.toml: offsets.instance_index: must be less than instance_count (3): instances are numbered from 0 (CONNECTOR_INSTANCE_INDEX and CONNECTOR_INSTANCE_COUNT set them too)',
    );
    expect(
      errorLines(BASE, undefined, { env: { CONNECTOR_INSTANCE_INDEX: 'zero' } }).join('\n'),
    ).toMatch(/offsets\.instance_index: .*\(value from CONNECTOR_INSTANCE_INDEX\)/);
  });

  it('suggests the [offsets] key a misplaced one belongs to', () => {
    expect(warningsOf(`${BASE}[processing]\nlock_lease_ms = 5000\n`).join('\n')).toMatch(
      /processing\.lock_lease_ms.*offsets\.lock_lease_ms/,
    );
  });
});
