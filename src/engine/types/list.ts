import type { Bytes } from '../bytes.js';
import type { RedisObject } from '../object.js';
import { Listpack } from '../../datastruct/listpack.js';
import { Quicklist, quicklistNodeExceedsLimit, quicklistNodeLimit } from '../../datastruct/quicklist.js';

export type ListEncoding = 'listpack' | 'quicklist';

/**
 * A list value (Redis 7.2 t_list.c). Small lists are one listpack; a list that would exceed
 * list-max-listpack-size becomes a quicklist, and goes back to a listpack only when it has
 * a single node at most half the limit (listTypeTryConvertListpack/…Quicklist). `fill`
 * arguments are the current list-max-listpack-size.
 */
export class ListObject implements RedisObject {
  readonly type = 'list' as const;
  lru = 0;
  /** Set while the encoding is listpack. */
  private lp: Listpack | null;
  /** Set while the encoding is quicklist. */
  private ql: Quicklist | null = null;

  private constructor(lp: Listpack | null, ql: Quicklist | null) {
    this.lp = lp;
    this.ql = ql;
  }

  /** createListListpackObject */
  static create(): ListObject {
    return new ListObject(new Listpack(), null);
  }

  /**
   * A list built from elements (head→tail) the way Redis builds a list it creates whole
   * (SORT … STORE, old-format RDB lists): a quicklist filled by tail pushes, then
   * listTypeTryConversion(LIST_CONV_AUTO) — a listpack when that gave one node within the limit.
   */
  static fromItems(items: Iterable<Bytes>, fill: number): ListObject {
    const ql = new Quicklist(fill);
    for (const s of items) ql.pushTail(s);
    const o = new ListObject(null, ql);
    o.tryConvertToListpack(fill, false);
    return o;
  }

  /**
   * A list loaded from an RDB quicklist (RDB_TYPE_LIST_QUICKLIST_2): each saved listpack
   * becomes a node (empty ones are skipped), then the LIST_CONV_AUTO conversion.
   */
  static fromNodes(nodes: Iterable<Bytes[]>, fill: number): ListObject {
    const ql = new Quicklist(fill);
    for (const items of nodes) if (items.length) ql.appendListpack(new Listpack(items.slice()));
    const o = new ListObject(null, ql);
    o.tryConvertToListpack(fill, false);
    return o;
  }

  /** The elements of each node (one listpack = one node), as an RDB writer saves them. */
  nodes(): Bytes[][] {
    if (this.lp) return [this.lp.items.slice()];
    const out: Bytes[][] = [];
    for (let n = this.ql!.head; n; n = n.next) out.push(n.lp.items.slice());
    return out;
  }

  get encoding(): ListEncoding {
    return this.ql ? 'quicklist' : 'listpack';
  }

  get length(): number {
    return this.ql ? this.ql.count : this.lp!.length;
  }

  /** Elements head→tail. */
  *items(): Generator<Bytes> {
    if (this.ql) yield* this.ql.iterateFrom(0);
    else yield* this.lp!.items;
  }

  /** The listpack (listpack encoding) — for memory accounting. */
  get listpack(): Listpack | null {
    return this.lp;
  }

  /** The quicklist (quicklist encoding) — for memory accounting. */
  get quicklist(): Quicklist | null {
    return this.ql;
  }

  /** listTypeDup: same encoding, same node layout. */
  clone(): ListObject {
    return this.ql ? new ListObject(null, this.ql.clone()) : new ListObject(this.lp!.clone(), null);
  }

  // --- encoding conversions ------------------------------------------------------------

  /**
   * listTypeTryConversionAppend: before adding `addCount` elements of `addBytes` total
   * length, a listpack that would exceed the limit becomes a quicklist.
   */
  tryConvertForGrowth(fill: number, addBytes: number, addCount: number): void {
    const lp = this.lp;
    if (!lp) return;
    if (!quicklistNodeExceedsLimit(fill, lp.bytes + addBytes, lp.length + addCount)) return;
    const ql = new Quicklist(fill);
    if (lp.length) ql.appendListpack(lp);
    this.ql = ql;
    this.lp = null;
  }

  /**
   * listTypeTryConvertQuicklist: a quicklist of one node converts back to a listpack when
   * that node is within the limit (halved when `shrinking`, to avoid flapping).
   */
  tryConvertToListpack(fill: number, shrinking: boolean): void {
    const ql = this.ql;
    if (!ql || ql.len !== 1) return;
    let [szLimit, countLimit] = quicklistNodeLimit(fill);
    if (shrinking) {
      szLimit = szLimit === Infinity ? Infinity : Math.floor(szLimit / 2);
      countLimit = Math.floor(countLimit / 2);
    }
    const head = ql.head!;
    if (head.sz > szLimit || ql.count > countLimit) return;
    this.lp = head.lp;
    this.ql = null;
  }

  // --- operations ----------------------------------------------------------------------

  push(value: Bytes, head: boolean): void {
    if (this.ql) {
      if (head) this.ql.pushHead(value);
      else this.ql.pushTail(value);
    } else if (head) {
      this.lp!.prepend(value);
    } else {
      this.lp!.append(value);
    }
  }

  pop(head: boolean): Bytes | undefined {
    if (this.ql) return head ? this.ql.popHead() : this.ql.popTail();
    return head ? this.lp!.popFront() : this.lp!.popBack();
  }

  /** LINDEX semantics: negative counts from the tail; undefined when out of range. */
  index(i: number): Bytes | undefined {
    if (this.ql) return this.ql.get(i);
    const items = this.lp!.items;
    if (i < 0) i += items.length;
    return i >= 0 && i < items.length ? items[i] : undefined;
  }

  /** LSET: false when the index is out of range. */
  set(i: number, value: Bytes): boolean {
    if (this.ql) return this.ql.replaceAt(i, value);
    const lp = this.lp!;
    if (i < 0) i += lp.length;
    if (i < 0 || i >= lp.length) return false;
    lp.replaceAt(i, value);
    return true;
  }

  /** `n` elements from absolute index `from` (0 ≤ from < length), forward or backward. */
  slice(from: number, n: number, reverse: boolean): Bytes[] {
    const out: Bytes[] = [];
    if (this.ql) {
      this.ql.collect(from, n, reverse, out);
      return out;
    }
    const items = this.lp!.items;
    if (!reverse) {
      const end = Math.min(items.length, from + n);
      for (let i = from; i < end; i++) out.push(items[i]!);
    } else {
      for (let i = from; i >= 0 && out.length < n; i--) out.push(items[i]!);
    }
    return out;
  }

  /** listTypeDelRange: `count` elements from `start` (negative = from the tail). */
  deleteRange(start: number, count: number): void {
    if (this.ql) {
      this.ql.delRange(start, count);
      return;
    }
    const lp = this.lp!;
    if (start < 0) start += lp.length;
    if (start < 0) start = 0;
    lp.deleteRange(start, count);
  }

  /** LINSERT: inserts next to the first element equal to `pivot`; false if none. */
  insert(pivot: Bytes, value: Bytes, after: boolean): boolean {
    if (this.ql) {
      const at = this.ql.find(pivot);
      if (!at) return false;
      this.ql.insert(at.node, at.offset, value, after);
      return true;
    }
    const lp = this.lp!;
    const i = lp.items.indexOf(pivot);
    if (i < 0) return false;
    lp.insertAt(after ? i + 1 : i, value);
    return true;
  }

  /** LREM: removes up to |count| (0 = all) elements equal to `value`; negative from the tail. */
  remove(value: Bytes, count: number): number {
    const fromTail = count < 0;
    const limit = fromTail ? -count : count;
    if (this.ql) return this.ql.removeMatching(value, limit, fromTail);
    const lp = this.lp!;
    const items = lp.items;
    const hits: number[] = [];
    if (!fromTail) {
      for (let i = 0; i < items.length; i++) {
        if (items[i] === value) {
          hits.push(i);
          if (hits.length === limit) break;
        }
      }
    } else {
      for (let i = items.length - 1; i >= 0; i--) {
        if (items[i] === value) {
          hits.push(i);
          if (hits.length === limit) break;
        }
      }
      hits.reverse();
    }
    lp.removeIndexes(hits);
    return hits.length;
  }

  /** Iterates from the head (or from the tail when `reverse`). */
  *scan(reverse: boolean): Generator<Bytes> {
    if (!reverse) {
      yield* this.items();
      return;
    }
    if (this.ql) {
      if (this.ql.count) yield* this.ql.iterateBackFrom(this.ql.count - 1);
      return;
    }
    const items = this.lp!.items;
    for (let i = items.length - 1; i >= 0; i--) yield items[i]!;
  }
}
