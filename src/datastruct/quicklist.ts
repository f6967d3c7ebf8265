import type { Bytes } from '../engine/bytes.js';
import { LP_EMPTY_BYTES, Listpack } from './listpack.js';

/**
 * Redis 7.2's quicklist (quicklist.c): a doubly linked list of listpack nodes. The node
 * layout (which element lives in which node) follows Redis's rules exactly — pushes fill the
 * head/tail node up to the fill limit, LINSERT splits full nodes and merges neighbours,
 * deletions never merge — because converting a list back to a listpack requires a quicklist
 * of exactly one node. Compression (list-compress-depth) changes memory only and is not
 * modelled; PLAIN nodes (elements ≥ 1 GB) cannot occur here.
 */

/** optimization_level[]: size limits for fill -1..-5. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536] as const;
/** Largest multi-element listpack when the limit is a count. */
export const SIZE_SAFETY_LIMIT = 8192;
/** Over-estimate of one new entry's overhead used by _quicklistNodeAllowInsert. */
export const SIZE_ESTIMATE_OVERHEAD = 8;
/** (1 << (QL_FILL_BITS-1)) - 1 */
const FILL_MAX = 32767;
/** UINT_MAX: "no count limit". */
const NO_COUNT_LIMIT = 4294967295;

/** quicklistNodeLimit: [size limit (Infinity = SIZE_MAX), count limit]. */
export function quicklistNodeLimit(fill: number): [number, number] {
  if (fill >= 0) return [Infinity, fill === 0 ? 1 : fill];
  let offset = -fill - 1;
  if (offset >= OPTIMIZATION_LEVEL.length) offset = OPTIMIZATION_LEVEL.length - 1;
  return [OPTIMIZATION_LEVEL[offset]!, NO_COUNT_LIMIT];
}

/** quicklistNodeExceedsLimit: would a node (or a list listpack) of this size/count be too big? */
export function quicklistNodeExceedsLimit(fill: number, newSz: number, newCount: number): boolean {
  const [szLimit, countLimit] = quicklistNodeLimit(fill);
  if (szLimit !== Infinity) return newSz > szLimit;
  if (newSz > SIZE_SAFETY_LIMIT) return true;
  return newCount > countLimit;
}

/** quicklistSetFill's clamp. */
export function clampFill(fill: number): number {
  if (fill > FILL_MAX) return FILL_MAX;
  if (fill < -5) return -5;
  return fill;
}

export class QuicklistNode {
  prev: QuicklistNode | null = null;
  next: QuicklistNode | null = null;
  constructor(public lp: Listpack) {}
  get count(): number {
    return this.lp.items.length;
  }
  /** node->sz: lpBytes of the node's listpack. */
  get sz(): number {
    return this.lp.bytes;
  }
}

export class Quicklist {
  head: QuicklistNode | null = null;
  tail: QuicklistNode | null = null;
  /** Number of nodes. */
  len = 0;
  /** Number of elements. */
  count = 0;
  readonly fill: number;

  constructor(fill: number) {
    this.fill = clampFill(fill);
  }

  // --- node bookkeeping ----------------------------------------------------------------

  /** __quicklistInsertNode */
  private insertNode(old: QuicklistNode | null, node: QuicklistNode, after: boolean): void {
    if (after) {
      node.prev = old;
      if (old) {
        node.next = old.next;
        if (old.next) old.next.prev = node;
        old.next = node;
      }
      if (this.tail === old) this.tail = node;
    } else {
      node.next = old;
      if (old) {
        node.prev = old.prev;
        if (old.prev) old.prev.next = node;
        old.prev = node;
      }
      if (this.head === old) this.head = node;
    }
    if (this.len === 0) this.head = this.tail = node;
    this.len++;
  }

  /** __quicklistDelNode (also subtracts the node's remaining elements from count). */
  private delNode(node: QuicklistNode): void {
    if (node.next) node.next.prev = node.prev;
    if (node.prev) node.prev.next = node.next;
    if (node === this.tail) this.tail = node.prev;
    if (node === this.head) this.head = node.next;
    this.len--;
    this.count -= node.count;
    node.prev = node.next = null;
  }

  /** _quicklistNodeAllowInsert: `sz` is the element's byte length. */
  private allowInsert(node: QuicklistNode | null, sz: number): boolean {
    if (!node) return false;
    return !quicklistNodeExceedsLimit(this.fill, node.sz + sz + SIZE_ESTIMATE_OVERHEAD, node.count + 1);
  }

  /** _quicklistNodeAllowMerge */
  private allowMerge(a: QuicklistNode | null, b: QuicklistNode | null): boolean {
    if (!a || !b) return false;
    return !quicklistNodeExceedsLimit(this.fill, a.sz + b.sz - LP_EMPTY_BYTES, a.count + b.count);
  }

  /** _quicklistListpackMerge(a, b) with a left of b: returns the surviving node. */
  private mergePair(a: QuicklistNode, b: QuicklistNode): QuicklistNode {
    a.lp.mergeFrom(b.lp);
    b.lp = new Listpack();
    this.delNode(b);
    return a;
  }

  /** _quicklistMergeNodes */
  private mergeNodes(center: QuicklistNode): void {
    let prev: QuicklistNode | null = center.prev;
    let prevPrev: QuicklistNode | null = prev ? prev.prev : null;
    let next: QuicklistNode | null = center.next;
    let nextNext: QuicklistNode | null = next ? next.next : null;
    if (this.allowMerge(prev, prevPrev)) {
      this.mergePair(prevPrev!, prev!);
      prev = prevPrev = null;
    }
    if (this.allowMerge(next, nextNext)) {
      this.mergePair(next!, nextNext!);
      next = nextNext = null;
    }
    let target: QuicklistNode;
    if (this.allowMerge(center, center.prev)) target = this.mergePair(center.prev!, center);
    else target = center;
    if (this.allowMerge(target, target.next)) this.mergePair(target, target.next!);
  }

  // --- pushes and pops -----------------------------------------------------------------

  /** quicklistAppendListpack: the listpack becomes a new tail node (conversion, loading). */
  appendListpack(lp: Listpack): void {
    const node = new QuicklistNode(lp);
    this.insertNode(this.tail, node, true);
    this.count += node.count;
  }

  pushHead(value: Bytes): void {
    const head = this.head;
    if (this.allowInsert(head, value.length)) {
      head!.lp.prepend(value);
    } else {
      const node = new QuicklistNode(new Listpack());
      node.lp.prepend(value);
      this.insertNode(head, node, false);
    }
    this.count++;
  }

  pushTail(value: Bytes): void {
    const tail = this.tail;
    if (this.allowInsert(tail, value.length)) {
      tail!.lp.append(value);
    } else {
      const node = new QuicklistNode(new Listpack());
      node.lp.append(value);
      this.insertNode(tail, node, true);
    }
    this.count++;
  }

  popHead(): Bytes | undefined {
    const node = this.head;
    if (!node) return undefined;
    const v = node.lp.popFront()!;
    this.count--;
    if (node.count === 0) this.delNode(node);
    return v;
  }

  popTail(): Bytes | undefined {
    const node = this.tail;
    if (!node) return undefined;
    const v = node.lp.popBack()!;
    this.count--;
    if (node.count === 0) this.delNode(node);
    return v;
  }

  // --- positional access ---------------------------------------------------------------

  /** The node holding element `index` (0-based from head, or negative from tail) and its offset. */
  locate(index: number): { node: QuicklistNode; offset: number } | null {
    const count = this.count;
    if (index < 0) index += count;
    if (index < 0 || index >= count) return null;
    if (index <= (count - 1) / 2) {
      let accum = 0;
      for (let n = this.head; n; n = n.next) {
        if (accum + n.count > index) return { node: n, offset: index - accum };
        accum += n.count;
      }
    } else {
      let accum = count;
      for (let n = this.tail; n; n = n.prev) {
        accum -= n.count;
        if (accum <= index) return { node: n, offset: index - accum };
      }
    }
    return null;
  }

  get(index: number): Bytes | undefined {
    const at = this.locate(index);
    return at ? at.node.lp.items[at.offset] : undefined;
  }

  /** quicklistReplaceAtIndex: in-place listpack replace (no limit check, as Redis 7.2). */
  replaceAt(index: number, value: Bytes): boolean {
    const at = this.locate(index);
    if (!at) return false;
    at.node.lp.replaceAt(at.offset, value);
    return true;
  }

  /** Elements head→tail starting at absolute index `from` (≥ 0). */
  *iterateFrom(from = 0): Generator<Bytes> {
    const at = this.locate(from);
    if (!at) return;
    let node: QuicklistNode | null = at.node;
    let i = at.offset;
    while (node) {
      const items = node.lp.items;
      for (; i < items.length; i++) yield items[i]!;
      node = node.next;
      i = 0;
    }
  }

  /** Elements tail→head starting at absolute index `from`. */
  *iterateBackFrom(from: number): Generator<Bytes> {
    const at = this.locate(from);
    if (!at) return;
    let node: QuicklistNode | null = at.node;
    let i = at.offset;
    while (node) {
      const items = node.lp.items;
      for (; i >= 0; i--) yield items[i]!;
      node = node.prev;
      if (node) i = node.count - 1;
    }
  }

  /** Copies `n` elements from absolute index `from`, forward or backward, into `out`. */
  collect(from: number, n: number, reverse: boolean, out: Bytes[]): void {
    const at = this.locate(from);
    if (!at) return;
    let node: QuicklistNode | null = at.node;
    let i = at.offset;
    if (!reverse) {
      while (node && n > 0) {
        const items = node.lp.items;
        for (; i < items.length && n > 0; i++, n--) out.push(items[i]!);
        node = node.next;
        i = 0;
      }
    } else {
      while (node && n > 0) {
        const items = node.lp.items;
        for (; i >= 0 && n > 0; i--, n--) out.push(items[i]!);
        node = node.prev;
        if (node) i = node.count - 1;
      }
    }
  }

  /**
   * quicklistDelRange: deletes `count` elements from `start` (negative = from the tail).
   * Emptied nodes are removed; nodes are never merged.
   */
  delRange(start: number, count: number): void {
    if (count <= 0) return;
    if (start < 0) start += this.count;
    if (start < 0) start = 0;
    if (start >= this.count) return;
    let extent = Math.min(count, this.count - start);
    const at = this.locate(start)!;
    let node: QuicklistNode | null = at.node;
    let offset = at.offset;
    while (extent > 0 && node) {
      const next: QuicklistNode | null = node.next;
      const del = Math.min(extent, node.count - offset);
      if (offset === 0 && del === node.count) {
        this.delNode(node);
      } else {
        node.lp.deleteRange(offset, del);
        this.count -= del;
        if (node.count === 0) this.delNode(node);
      }
      extent -= del;
      node = next;
      offset = 0;
    }
  }

  /** Removes the element at (node, offset) (quicklistDelIndex). True if the node was deleted. */
  deleteAt(node: QuicklistNode, offset: number): boolean {
    node.lp.removeAt(offset);
    this.count--;
    if (node.count === 0) {
      this.delNode(node);
      return true;
    }
    return false;
  }

  /**
   * LREM over the quicklist: removes up to `limit` (0 = all) elements equal to `value`,
   * scanning from the head or from the tail. Returns how many were removed.
   */
  removeMatching(value: Bytes, limit: number, fromTail: boolean): number {
    let removed = 0;
    let node = fromTail ? this.tail : this.head;
    while (node) {
      const following: QuicklistNode | null = fromTail ? node.prev : node.next;
      const items = node.lp.items;
      const hits: number[] = [];
      if (!fromTail) {
        for (let i = 0; i < items.length && (limit === 0 || removed + hits.length < limit); i++) {
          if (items[i] === value) hits.push(i);
        }
      } else {
        for (let i = items.length - 1; i >= 0 && (limit === 0 || removed + hits.length < limit); i--) {
          if (items[i] === value) hits.push(i);
        }
        hits.reverse();
      }
      if (hits.length) {
        removed += hits.length;
        if (hits.length === items.length) {
          this.delNode(node);
        } else {
          node.lp.removeIndexes(hits);
          this.count -= hits.length;
        }
      }
      if (limit !== 0 && removed >= limit) break;
      node = following;
    }
    return removed;
  }

  /**
   * _quicklistInsert: inserts `value` after (or before) the element at (node, offset), where
   * offset was reached iterating from the head. Splits a full node and merges neighbours
   * exactly as Redis does.
   */
  insert(node: QuicklistNode, offset: number, value: Bytes, after: boolean): void {
    const sz = value.length;
    const full = !this.allowInsert(node, sz);
    let atTail = false;
    let atHead = false;
    let availNext = false;
    let availPrev = false;
    if (after && offset === node.count - 1) {
      atTail = true;
      availNext = this.allowInsert(node.next, sz);
    }
    if (!after && offset === 0) {
      atHead = true;
      availPrev = this.allowInsert(node.prev, sz);
    }
    if (!full) {
      node.lp.insertAt(after ? offset + 1 : offset, value);
    } else if (atTail && availNext && after) {
      node.next!.lp.prepend(value);
    } else if (atHead && availPrev && !after) {
      node.prev!.lp.append(value);
    } else if ((atTail && !availNext && after) || (atHead && !availPrev && !after)) {
      const fresh = new QuicklistNode(new Listpack());
      fresh.lp.prepend(value);
      this.insertNode(node, fresh, after);
    } else {
      // _quicklistSplitNode: after → node keeps [0..offset], the new node gets the rest;
      // before → the new node gets [0..offset-1], node keeps [offset..].
      const items = node.lp.items;
      let fresh: QuicklistNode;
      if (after) {
        fresh = new QuicklistNode(new Listpack(items.slice(offset + 1)));
        node.lp.deleteRange(offset + 1, items.length - offset - 1);
        fresh.lp.prepend(value);
      } else {
        fresh = new QuicklistNode(new Listpack(items.slice(0, offset)));
        node.lp.deleteRange(0, offset);
        fresh.lp.append(value);
      }
      this.insertNode(node, fresh, after);
      this.mergeNodes(node);
    }
    this.count++;
  }

  /** Finds the first element equal to `pivot` from the head: its node and offset. */
  find(pivot: Bytes): { node: QuicklistNode; offset: number } | null {
    for (let n = this.head; n; n = n.next) {
      const i = n.lp.items.indexOf(pivot);
      if (i >= 0) return { node: n, offset: i };
    }
    return null;
  }

  /** quicklistDup */
  clone(): Quicklist {
    const copy = new Quicklist(this.fill);
    for (let n = this.head; n; n = n.next) copy.appendListpack(n.lp.clone());
    return copy;
  }

  /** Node sizes and counts, head first (for memory accounting and tests). */
  nodeStats(): Array<{ sz: number; count: number }> {
    const out: Array<{ sz: number; count: number }> = [];
    for (let n = this.head; n; n = n.next) out.push({ sz: n.sz, count: n.count });
    return out;
  }
}
