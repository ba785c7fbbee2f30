import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/errors.js';
import { TopicRouter } from '../../src/connector/topic-router.js';

const mqtt = (filter: string, topic: string): boolean => TopicRouter.matches(filter, topic, 'mqtt');
const glob = (pattern: string, name: string): boolean => TopicRouter.matches(pattern, name, 'glob');

describe('TopicRouter MQTT filters', () => {
  it('matches + as exactly one level, possibly empty', () => {
    expect(mqtt('sport/+/player1', 'sport/tennis/player1')).toBe(true);
    expect(mqtt('sport/+', 'sport/')).toBe(true);
    expect(mqtt('sport/+', 'sport')).toBe(false);
    expect(mqtt('sport/+', 'sport/tennis/x')).toBe(false);
    expect(mqtt('+/+', '/finance')).toBe(true);
    expect(mqtt('/+', '/finance')).toBe(true);
    expect(mqtt('+', '/finance')).toBe(false);
  });

  it('matches # as any number of levels including the parent', () => {
    expect(mqtt('sport/#', 'sport')).toBe(true);
    expect(mqtt('sport/#', 'sport/tennis/player1')).toBe(true);
    expect(mqtt('sport/tennis/#', 'sport/tennis')).toBe(true);
    expect(mqtt('sport/tennis/#', 'sport/tenniss')).toBe(false);
    expect(mqtt('#', 'anything/at/all')).toBe(true);
  });

  it('keeps $-topics away from leading wildcards', () => {
    expect(mqtt('#', '$SYS/broker/load')).toBe(false);
    expect(mqtt('+/broker/load', '$SYS/broker/load')).toBe(false);
    expect(mqtt('$SYS/#', '$SYS/broker/load')).toBe(true);
    expect(mqtt('$SYS/+/load', '$SYS/broker/load')).toBe(true);
  });

  it('is case-sensitive and exact without wildcards', () => {
    expect(mqtt('a/b', 'a/b')).toBe(true);
    expect(mqtt('a/b', 'A/b')).toBe(false);
    expect(mqtt('a/b', 'a/b/')).toBe(false);
  });

  it('refuses malformed filters', () => {
    expect(() => new TopicRouter([{ from: 'a/#/b', to: '/d/t' }])).toThrow(
      /"#" must be a whole level and the last/,
    );
    expect(() => new TopicRouter([{ from: 'a/b#', to: '/d/t' }], { syntax: 'mqtt' })).toThrow(
      ConnectorError,
    );
    expect(() => new TopicRouter([{ from: 'a/x+/b', to: '/d/t' }], { syntax: 'mqtt' })).toThrow(
      /"\+" must be a whole level/,
    );
  });
});

describe('TopicRouter globs', () => {
  it('matches * within a segment and ** across segments', () => {
    expect(glob('/hooks/*', '/hooks/github')).toBe(true);
    expect(glob('/hooks/*', '/hooks/github/push')).toBe(false);
    expect(glob('/hooks/gh-*', '/hooks/gh-push')).toBe(true);
    expect(glob('input/**', 'input')).toBe(true);
    expect(glob('input/**', 'input/a/b')).toBe(true);
    expect(glob('a/**/z', 'a/z')).toBe(true);
    expect(glob('a/**/z', 'a/b/c/z')).toBe(true);
    expect(glob('a/**/z', 'a/b/c/zz')).toBe(false);
    expect(glob('**/z', 'x/y/z')).toBe(true);
    expect(glob('**', 'any/thing')).toBe(true);
    expect(glob('a.b/*', 'aXb/c')).toBe(false);
  });
});

describe('TopicRouter', () => {
  const router = new TopicRouter(
    [
      {
        from: 'sensors/+/temp',
        to: '/iot/temperature',
        partitions: 4,
        reliable_dispatch: true,
        qos: 1,
      },
      { from: 'sensors/#', to: '/iot/other', qos: 0 },
      { from: '/hooks/*', to: '/web/hooks' },
      { from: 'exact/topic', to: '/iot/other', qos: 2 },
    ],
    { path: 'mqtt.routes' },
  );

  it('picks the first matching route and keeps its extra keys', () => {
    expect(router.route('sensors/k1/temp')).toEqual({
      topic: '/iot/temperature',
      partitions: 4,
      reliableDispatch: true,
      qos: 1,
      pattern: 'sensors/+/temp',
      index: 0,
    });
    expect(router.route('sensors/k1/humidity')?.topic).toBe('/iot/other');
    expect(router.route('sensors')?.topic).toBe('/iot/other');
    expect(router.route('/hooks/stripe')?.topic).toBe('/web/hooks');
    expect(router.route('exact/topic')?.qos).toBe(2);
    expect(router.route('unrouted')).toBeUndefined();
    expect(router.route('unrouted')).toBeUndefined();
  });

  it('derives one producer config per destination topic', () => {
    expect(router.producerConfigs()).toEqual([
      { topic: '/iot/temperature', partitions: 4, reliableDispatch: true },
      { topic: '/iot/other', partitions: 0, reliableDispatch: false },
      { topic: '/web/hooks', partitions: 0, reliableDispatch: false },
    ]);
  });

  it('refuses bad tables with the key path', () => {
    expect(() => new TopicRouter([{ from: 'a', to: 'no-slash' }], { path: 'mqtt.routes' })).toThrow(
      /mqtt\.routes\[0\]\.to "no-slash" is not a Danube topic/,
    );
    expect(
      () =>
        new TopicRouter([
          { from: 'a', to: '/d/t', partitions: 2 },
          { from: 'b', to: '/d/t', partitions: 3 },
        ]),
    ).toThrow(/routes\[1\] sends to \/d\/t with other partitions/);
    expect(() => new TopicRouter([{ from: 'a/+/*', to: '/d/t' }])).toThrow(/mixes MQTT wildcards/);
  });
});
