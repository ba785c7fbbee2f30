/** The key routing vectors of the protocol facts: key, fnv1a64, mod 4, mod 8, mod 7. */
export const ROUTING_VECTORS: Array<[string, bigint, number, number, number]> = [
  ['', 0xcbf29ce484222325n, 1, 5, 2],
  ['a', 0xaf63dc4c8601ec8cn, 0, 4, 5],
  ['device-42', 0xbda05d4c5052eee8n, 0, 0, 6],
  ['user-1', 0xf84ba2aa754a4bd4n, 0, 4, 6],
  ['sensor/é', 0x3ca0eee00ba4338cn, 0, 4, 5],
  ['🚀', 0xff06d33875097bdan, 2, 2, 4],
];
