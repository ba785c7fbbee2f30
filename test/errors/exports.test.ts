import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as client from '../../src/client/index.js';
import * as testing from '../../src/testing/index.js';
import { DanubeConnectError } from '../../src/errors.js';

/** A class, as far as the walk needs one. */
type AnyClass = abstract new (...args: never[]) => unknown;

const ENTRY_POINTS = { 'danube-connect-core': root, './client': client, './testing': testing };

/** Every exported class that is an Error, by entry point and name. */
function exportedErrorClasses(): Array<[string, AnyClass]> {
  return Object.entries(ENTRY_POINTS).flatMap(([entry, exports]) =>
    Object.entries(exports as Record<string, unknown>)
      .filter(
        (pair): pair is [string, AnyClass] =>
          typeof pair[1] === 'function' && pair[1].prototype instanceof Error,
      )
      .map(([name, value]): [string, AnyClass] => [`${entry} ${name}`, value]),
  );
}

describe('the exported error classes', () => {
  it('all extend DanubeConnectError', () => {
    const classes = exportedErrorClasses();
    // The walk finds the ones we know of (and so would find a new one).
    expect(classes.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'danube-connect-core DanubeConnectError',
        'danube-connect-core ConnectorError',
        'danube-connect-core RuntimeStoppingError',
        'danube-connect-core ConfigError',
        'danube-connect-core SchemaError',
        'danube-connect-core SchemaValidationError',
        'danube-connect-core PublishTimeoutError',
        'danube-connect-core OffsetLockError',
        './client DanubeConnectError',
        './client DanubeError',
        './testing ConformanceError',
      ]),
    );
    const strays = classes.filter(
      ([, value]) =>
        value !== DanubeConnectError && !(value.prototype instanceof DanubeConnectError),
    );
    expect(strays.map(([name]) => name)).toEqual([]);
  });

  it('export one base class, the same from the root and ./client', () => {
    expect(root.DanubeConnectError).toBe(client.DanubeConnectError);
    expect(root.isDanubeConnectError).toBe(client.isDanubeConnectError);
  });
});
