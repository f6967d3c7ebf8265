import { describe, expect, it } from 'vitest';
import { SkipList, ZSKIPLIST_MAXLEVEL, randomLevel, type SkipNode } from '../../src/datastruct/skiplist.js';

/** Checks every invariant of a zskiplist: order, backward links, spans, length, tail, level. */
function check(zsl: SkipList): Array<[string, number]> {
  const nodes: SkipNode[] = [];
  for (let n = zsl.first; n !== null; n = n.forward[0]!) nodes.push(n);
  expect(nodes.length).toBe(zsl.length);
  expect(zsl.tail).toBe(nodes.length ? nodes[nodes.length - 1] : null);
  const pos = new Map<SkipNode, number>(nodes.map((n, i) => [n, i + 1]));
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    expect(n.backward).toBe(i === 0 ? null : nodes[i - 1]);
    if (i > 0) {
      const p = nodes[i - 1]!;
      expect(p.score < n.score || (p.score === n.score && p.member < n.member)).toBe(true);
    }
  }
  // Spans: from each node (and the header) at each level, span = rank distance to forward.
  const check1 = (from: SkipNode, rank: number) => {
    for (let l = 0; l < from.forward.length && l < zsl.level; l++) {
      const f = from.forward[l]!;
      if (f !== null) expect(from.span[l]).toBe(pos.get(f)! - rank);
    }
  };
  check1(zsl.header, 0);
  nodes.forEach((n, i) => check1(n, i + 1));
  let maxLevel = 1;
  for (const n of nodes) maxLevel = Math.max(maxLevel, n.forward.length);
  expect(zsl.level).toBe(maxLevel);
  return nodes.map((n) => [n.member, n.score]);
}

describe('SkipList', () => {
  it('random levels follow P = 0.25 and never exceed 32', () => {
    const counts = new Array<number>(ZSKIPLIST_MAXLEVEL + 1).fill(0);
    for (let i = 0; i < 100000; i++) counts[randomLevel()]!++;
    expect(counts[0]).toBe(0);
    const frac1 = counts[1]! / 100000;
    expect(frac1).toBeGreaterThan(0.73);
    expect(frac1).toBeLessThan(0.77);
    expect(counts.slice(ZSKIPLIST_MAXLEVEL + 1).length).toBe(0);
  });

  it('keeps spans, ranks and backward links through inserts, updates and deletes', () => {
    const zsl = new SkipList();
    const ref = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const m = 'm' + Math.floor(Math.random() * 700);
      const s = Math.floor(Math.random() * 40);
      const cur = ref.get(m);
      const op = Math.random();
      if (cur === undefined) {
        zsl.insert(s, m);
        ref.set(m, s);
      } else if (op < 0.4) {
        expect(zsl.delete(cur, m)).toBe(true);
        expect(zsl.delete(cur, m)).toBe(false);
        ref.delete(m);
      } else {
        zsl.updateScore(cur, m, s);
        ref.set(m, s);
      }
    }
    const entries = check(zsl);
    const expected = [...ref].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect(entries).toEqual(expected);
    expected.forEach(([m, s], i) => {
      expect(zsl.getRank(s, m)).toBe(i + 1);
      expect(zsl.getElementByRank(i + 1)!.member).toBe(m);
    });
    expect(zsl.getRank(1000, 'nosuch')).toBe(0);
    expect(zsl.getElementByRank(0)).toBeNull();
    expect(zsl.getElementByRank(expected.length + 1)).toBeNull();
  });

  it('range queries and range deletes', () => {
    const zsl = new SkipList();
    const dict = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      zsl.insert(i % 50, 'k' + String(i).padStart(3, '0'));
      dict.set('k' + String(i).padStart(3, '0'), i % 50);
    }
    check(zsl);
    expect(zsl.firstInRange({ min: 10, max: 12, minex: true, maxex: false })!.score).toBe(11);
    expect(zsl.lastInRange({ min: 10, max: 12, minex: false, maxex: true })!.score).toBe(11);
    expect(zsl.firstInRange({ min: 12, max: 10, minex: false, maxex: false })).toBeNull();
    expect(zsl.firstInRange({ min: 10, max: 10, minex: true, maxex: false })).toBeNull();
    expect(zsl.firstInRange({ min: 60, max: 70, minex: false, maxex: false })).toBeNull();
    const del = (m: string) => dict.delete(m);
    expect(zsl.deleteRangeByScore({ min: 0, max: 9, minex: false, maxex: false }, del)).toBe(40);
    check(zsl);
    expect(zsl.deleteRangeByRank(1, 4, del)).toBe(4);
    check(zsl);
    const lex = { min: 'k100', max: 'k120', minex: false, maxex: true, minKind: 0 as const, maxKind: 0 as const };
    const before = zsl.length;
    const removed = zsl.deleteRangeByLex(lex, del);
    expect(zsl.length).toBe(before - removed);
    expect(dict.size).toBe(zsl.length);
    check(zsl);
  });
});
