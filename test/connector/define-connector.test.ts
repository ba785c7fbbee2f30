import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, isConnectorModule } from '../../src/connector/define-connector.js';
import { validateProducerConfigs } from '../../src/connector/producer-config.js';
import { SourceConnector } from '../../src/connector/source-connector.js';

class Nothing extends SourceConnector {
  async initialize(): Promise<void> {}
  producerConfigs() {
    return [];
  }
}

describe('defineConnector', () => {
  it('returns a frozen module recognised by isConnectorModule', async () => {
    const module = defineConnector({
      settings: z.object({ thing: z.object({ n: z.number() }) }),
      create: (config) => {
        expect(config.thing.n).toBe(1);
        return new Nothing();
      },
    });
    expect(isConnectorModule(module)).toBe(true);
    expect(Object.isFrozen(module)).toBe(true);
    expect(await module.create({ core: {} as never, thing: { n: 1 } })).toBeInstanceOf(Nothing);
    expect(new Nothing().mode()).toBe('polling');
  });

  it('refuses a definition without create', () => {
    expect(() => defineConnector({ settings: z.object({}) } as never)).toThrow(
      /create\(config\) must be a function/,
    );
  });
});

describe('validateProducerConfigs', () => {
  it('merges identical duplicates and refuses conflicting ones', () => {
    const c = { topic: '/d/t', partitions: 2, reliableDispatch: true };
    expect(validateProducerConfigs([c, { ...c }])).toEqual([c]);
    expect(() => validateProducerConfigs([c, { ...c, partitions: 3 }])).toThrow(/listed twice/);
  });

  it('names the bad entry', () => {
    expect(() =>
      validateProducerConfigs([{ topic: 'events', partitions: 0, reliableDispatch: false }]),
    ).toThrow(/producerConfigs\(\)\[0\]\.topic "events" is not a Danube topic name/);
    expect(() =>
      validateProducerConfigs([{ topic: '/d/t', partitions: -1, reliableDispatch: false }]),
    ).toThrow(/partitions for \/d\/t must be a whole number/);
  });
});
