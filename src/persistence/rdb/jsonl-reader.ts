import fs from 'node:fs';
import { CorruptError } from '../io/errors.js';
import { bytesFromJson, valueFromJson } from './json.js';
import type { RdbValue } from './value.js';

export interface JsonlKey {
  db: number;
  key: string;
  type: string;
  expireAt: number | null;
  idle: number | null;
  freq: number | null;
  value: RdbValue;
}

/**
 * Reads redscope's JSON lines (see json.ts) a line at a time. A bad line is a CorruptError
 * carrying its byte offset and line number.
 */
export async function readJsonLines(
  path: string,
  onKey: (k: JsonlKey) => void,
  onFunction: (code: string) => void = () => {},
): Promise<number> {
  const stream = fs.createReadStream(path);
  let rest = Buffer.alloc(0);
  let offset = 0;
  let lineNo = 0;
  let keys = 0;
  const handle = (line: Buffer, at: number) => {
    lineNo++;
    const text = line.toString('utf8').trim();
    if (!text) return;
    const where = `line ${lineNo}`;
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      if (o['function'] !== undefined) {
        onFunction(bytesFromJson(o['function'], where));
        return;
      }
      const db = o['db'];
      if (typeof db !== 'number' || !Number.isInteger(db) || db < 0) throw new Error(`${where}: "db" must be a database number`);
      const type = o['type'];
      if (typeof type !== 'string') throw new Error(`${where}: "type" is missing`);
      const expireAt = o['expireAt'] ?? null;
      if (expireAt !== null && typeof expireAt !== 'number') throw new Error(`${where}: "expireAt" must be ms or null`);
      onKey({
        db,
        key: bytesFromJson(o['key'], `${where}.key`),
        type,
        expireAt: expireAt as number | null,
        idle: typeof o['idle'] === 'number' ? o['idle'] : null,
        freq: typeof o['freq'] === 'number' ? o['freq'] : null,
        value: valueFromJson(type, o['value'], where),
      });
      keys++;
    } catch (e) {
      throw new CorruptError(`invalid JSON line: ${(e as Error).message}`, at, `line ${lineNo}`);
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      handle(buf.subarray(start, nl), offset + start);
      start = nl + 1;
    }
    offset += start;
    rest = Buffer.from(buf.subarray(start));
    buf = rest;
  }
  if (rest.length) handle(rest, offset);
  return keys;
}
