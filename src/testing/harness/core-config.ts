import { coreConfigSchema } from '../../config/core-schema.js';
import type { SourceConnector } from '../../connector/source-connector.js';

/** The core configuration a connector's `initialize` receives. */
export type CoreConfig = Parameters<SourceConnector['initialize']>[0];

/** Nested partial of the core configuration's TOML-shaped input (snake_case keys). */
export interface CoreConfigInput {
  danube_service_url?: string;
  connector_name?: string;
  /** Base folder of relative `schema_file` paths; default the working directory. */
  config_dir?: string;
  processing?: Partial<CoreConfig['processing']>;
  retry?: Partial<CoreConfig['retry']>;
  schemas?: Array<
    Pick<CoreConfig['schemas'][number], 'topic' | 'subject'> &
      Partial<Omit<CoreConfig['schemas'][number], 'schema_type'>> & { schema_type: string }
  >;
  danube?: Partial<CoreConfig['danube']>;
  offsets?: Partial<CoreConfig['offsets']>;
}

/**
 * A complete core configuration for tests, every default filled in exactly as a TOML
 * file would get them (validated by the same zod schema), from a few overrides.
 *
 * @example
 * ```ts
 * const core = testCoreConfig({ processing: { batch_size: 10 }, schemas: [
 *   { topic: '/default/events', subject: 'events', schema_type: 'json_schema', schema_file: 'events.json' },
 * ] });
 * ```
 */
export function testCoreConfig(input: CoreConfigInput = {}): CoreConfig {
  const { config_dir, ...rest } = input;
  const parsed = coreConfigSchema.parse({
    danube_service_url: 'http://127.0.0.1:6650',
    connector_name: 'test-connector',
    ...rest,
  });
  const core = { ...parsed, config_dir: config_dir ?? process.cwd() } as Omit<
    CoreConfig,
    'secrets'
  >;
  // Like the loader's config: `secrets` exists but is not enumerable (never printed).
  Object.defineProperty(core, 'secrets', { value: [], enumerable: false });
  return core as CoreConfig;
}
