import { describe, expect, it } from 'vitest';
import { rowToJson } from './row-to-json.js';
import { quoteIdentifier, selectAfterCursor } from './sql.js';
import { settings } from './settings.js';

describe('rowToJson', () => {
  it('turns pg values into JSON without losing precision', () => {
    expect(
      rowToJson({
        id: '9007199254740993',
        amount: '12.50',
        paid: true,
        at: new Date('2025-06-01T12:00:00Z'),
        blob: Buffer.from([1, 2, 3]),
        tags: ['a', 'b'],
        meta: { source: 'pos', at: new Date(0) },
        note: null,
        ratio: Number.NaN,
      }),
    ).toEqual({
      id: '9007199254740993',
      amount: '12.50',
      paid: true,
      at: '2025-06-01T12:00:00.000Z',
      blob: 'AQID',
      tags: ['a', 'b'],
      meta: { source: 'pos', at: '1970-01-01T00:00:00.000Z' },
      note: null,
      ratio: 'NaN',
    });
  });
});

describe('SQL building', () => {
  it('quotes identifiers, schema-qualified ones too', () => {
    expect(quoteIdentifier('public.orders')).toBe('"public"."orders"');
    expect(selectAfterCursor('orders', 'id')).toBe(
      'SELECT * FROM "orders" WHERE "id" > $1 ORDER BY "id" LIMIT $2',
    );
  });

  it('refuses table and column names that are not plain identifiers', () => {
    const table = (name: string) =>
      settings.safeParse({
        postgres: { url: 'postgres://h/db', tables: [{ table: name, to: '/shop/orders' }] },
      }).success;
    expect(table('public.orders')).toBe(true);
    expect(table('orders; DROP TABLE orders')).toBe(false);
  });
});
