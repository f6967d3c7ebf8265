import { describe, expect, it } from 'vitest';
import { lpBytesOf } from '../../src/datastruct/listpack.js';
import { Quicklist, clampFill, quicklistNodeExceedsLimit, quicklistNodeLimit } from '../../src/datastruct/quicklist.js';

const counts = (ql: Quicklist) => ql.nodeStats().map((n) => n.count);
const all = (ql: Quicklist) => [...ql.iterateFrom(0)];

describe('quicklist limits (quicklist.c 7.2)', () => {
  it('maps fill to size or count limits', () => {
    expect(quicklistNodeLimit(-1)).toEqual([4096, 4294967295]);
    expect(quicklistNodeLimit(-2)).toEqual([8192, 4294967295]);
    expect(quicklistNodeLimit(-5)).toEqual([65536, 4294967295]);
    expect(quicklistNodeLimit(-100)).toEqual([65536, 4294967295]);
    expect(quicklistNodeLimit(0)).toEqual([Infinity, 1]);
    expect(quicklistNodeLimit(7)).toEqual([Infinity, 7]);
    expect(clampFill(100000)).toBe(32767);
    expect(clampFill(-9)).toBe(-5);
  });

  it('size limits compare bytes; count limits also cap bytes at 8 KB', () => {
    expect(quicklistNodeExceedsLimit(-2, 8192, 1)).toBe(false);
    expect(quicklistNodeExceedsLimit(-2, 8193, 1)).toBe(true);
    expect(quicklistNodeExceedsLimit(5, 100, 5)).toBe(false);
    expect(quicklistNodeExceedsLimit(5, 100, 6)).toBe(true);
    expect(quicklistNodeExceedsLimit(1000, 8193, 2)).toBe(true);
  });
});

describe('quicklist node layout', () => {
  it('pushes fill the end node up to the limit (with the 8-byte estimate) then add nodes', () => {
    const ql = new Quicklist(3);
    for (const v of ['a', 'b', 'c', 'd']) ql.pushTail(v);
    ql.pushHead('z');
    expect(counts(ql)).toEqual([1, 3, 1]);
    expect(all(ql)).toEqual(['z', 'a', 'b', 'c', 'd']);
    const big = new Quicklist(-1);
    const s = 'x'.repeat(1000); // entry 1004 bytes
    for (let i = 0; i < 9; i++) big.pushTail(s);
    expect(counts(big)).toEqual([4, 4, 1]); // 7 + 3·1004 + 1000 + 8 ≤ 4096 < 7 + 4·1004 + 1008
    expect(big.nodeStats()[0]!.sz).toBe(lpBytesOf([s, s, s, s]));
  });

  it('deletes ranges across nodes without merging', () => {
    const ql = new Quicklist(2);
    for (let i = 0; i < 7; i++) ql.pushTail(String(i));
    expect(counts(ql)).toEqual([2, 2, 2, 1]);
    ql.delRange(1, 4);
    expect(counts(ql)).toEqual([1, 1, 1]);
    expect(all(ql)).toEqual(['0', '5', '6']);
    ql.delRange(-2, 10);
    expect(all(ql)).toEqual(['0']);
    expect(ql.len).toBe(1);
  });

  it('splits a full node on a middle insert and merges what fits', () => {
    const ql = new Quicklist(4);
    for (let i = 0; i < 8; i++) ql.pushTail(String(i));
    expect(counts(ql)).toEqual([4, 4]);
    const at = ql.find('1')!;
    ql.insert(at.node, at.offset, 'x', true); // split [0,1] | [x,2,3]; nothing can merge
    expect(counts(ql)).toEqual([2, 3, 4]);
    expect(all(ql)).toEqual(['0', '1', 'x', '2', '3', '4', '5', '6', '7']);
    const at2 = ql.find('0')!;
    ql.insert(at2.node, at2.offset, 'y', false); // room in the node: no split
    expect(counts(ql)).toEqual([3, 3, 4]);
    const at3 = ql.find('5')!;
    ql.insert(at3.node, at3.offset, 'w', false); // split [4] + w | [5,6,7], then [x,2,3]+[4,w] can't (5 > 4)
    expect(all(ql)).toEqual(['y', '0', '1', 'x', '2', '3', '4', 'w', '5', '6', '7']);
    expect(counts(ql)).toEqual([3, 3, 2, 3]);
  });

  it('inserts at a full node edge go to the neighbour or a new node', () => {
    const ql = new Quicklist(2);
    for (let i = 0; i < 3; i++) ql.pushTail(String(i));
    expect(counts(ql)).toEqual([2, 1]);
    const tail = ql.find('1')!;
    ql.insert(tail.node, tail.offset, 'a', true); // at tail, next has room
    expect(counts(ql)).toEqual([2, 2]);
    const head = ql.find('0')!;
    ql.insert(head.node, head.offset, 'b', false); // at head, no prev: new node
    expect(counts(ql)).toEqual([1, 2, 2]);
    expect(all(ql)).toEqual(['b', '0', '1', 'a', '2']);
  });
});
