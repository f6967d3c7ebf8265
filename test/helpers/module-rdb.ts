import { Crc64 } from '../../src/persistence/rdb/crc64.js';

/**
 * An RDB 10 file holding one module value (type 7, module "myModule1", key "mod") that
 * nothing here can decode: made by hand, as no module ships with Debian's redis-server.
 */
export function moduleRdb(): Buffer {
  const charset = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let id = 0n;
  for (const [i, ch] of [...'myModule1'].entries()) id |= BigInt(charset.indexOf(ch)) << BigInt(64 - 6 * (i + 1));
  id |= 3n; // encoding version
  const idBytes = Buffer.alloc(9);
  idBytes[0] = 0x81; // 64-bit length
  idBytes.writeBigUInt64BE(id, 1);
  const body = Buffer.concat([
    Buffer.from('REDIS0010', 'latin1'),
    Buffer.from([0xfe, 0x00]), // SELECTDB 0
    Buffer.from([0x07, 0x03]), Buffer.from('mod', 'latin1'), // type 7, key "mod"
    idBytes,
    Buffer.from([0x02, 0x05]), // UINT 5
    Buffer.from([0x05, 0x03]), Buffer.from('abc', 'latin1'), // STRING "abc"
    Buffer.from([0x04]), Buffer.alloc(8), // DOUBLE 0
    Buffer.from([0x00]), // module EOF
    Buffer.from([0xff]),
  ]);
  return Buffer.concat([body, new Crc64().update(body).bytes()]);
}
