import { idToKey } from '../datastruct/stream-id.js';
import type { StreamNodeLimits, StreamObject } from '../engine/types/stream.js';
import type { StreamId, StreamMeta } from '../persistence/rdb/types.js';
import {
  raxNodeCount,
  ROBJ_SIZE,
  SizeModel,
  STREAM_LISTPACK_PREALLOC,
  STREAM_NACK_SIZE,
  STREAM_SIZE,
} from './model.js';

/** sizeof(stream) in 6.2: rax, length, last_id, cgroups. */
const STREAM_SIZE_62 = 40;

/**
 * objectComputeSize for a stream: the stream struct, its rax (by streamRadixTreeMemoryUsage's
 * estimate), the listpacks (the first `samples` measured, the others extrapolated from their
 * average, the last one measured; samples 0 = all) and the consumer groups' PELs.
 *
 * `loaded`: every listpack was read from a file and allocated to its exact size. Otherwise the
 * nodes are as XADD leaves them: created with a 4096-byte (or stream-node-max-bytes)
 * preallocation, grown in place, and shrunk to fit only when closed by
 * stream-node-max-entries.
 */
export function streamUsage(m: SizeModel, s: StreamObject, limits: StreamNodeLimits, samples: number, loaded: boolean): number {
  let asize = ROBJ_SIZE + (m.rules.legacy ? STREAM_SIZE_62 : STREAM_SIZE);
  const nodes = s.nodes;
  asize += SizeModel.raxUsage(nodes.length, s.radixTreeNodes);
  let prealloc = STREAM_LISTPACK_PREALLOC;
  if (limits.streamNodeMaxBytes > 0 && limits.streamNodeMaxBytes < prealloc) prealloc = limits.streamNodeMaxBytes;
  const preallocSize = m.malloc(prealloc);
  const nodeAlloc = (i: number): number => {
    const node = nodes[i]!;
    const exact = m.listpack(node.bytes);
    if (loaded) return exact;
    const closedByCount =
      i < nodes.length - 1 && limits.streamNodeMaxEntries > 0 && node.entries.length >= limits.streamNodeMaxEntries;
    return closedByCount ? exact : Math.max(exact, preallocSize);
  };
  const want = samples <= 0 ? Infinity : samples;
  let lpsize = 0;
  let taken = 0;
  while (taken < want && taken < nodes.length) lpsize += nodeAlloc(taken++);
  if (nodes.length <= taken) {
    asize += lpsize;
  } else {
    if (taken) lpsize = Math.floor(lpsize / taken);
    asize += lpsize * (nodes.length - 1);
    asize += nodeAlloc(nodes.length - 1);
  }
  if (s.groups) {
    for (const g of s.groups.values()) {
      asize += m.rules.cgSize;
      const pelKeys: string[] = [];
      for (const [id] of g.pel.entries()) pelKeys.push(idToKey(id));
      asize += SizeModel.raxUsage(pelKeys.length, raxNodeCount(pelKeys));
      asize += STREAM_NACK_SIZE * pelKeys.length;
      for (const c of g.consumers.values()) {
        asize += m.rules.consumerSize + c.name.length;
        const keys: string[] = [];
        for (const [id] of c.pel.entries()) keys.push(idToKey(id));
        asize += SizeModel.raxUsage(keys.length, raxNodeCount(keys));
      }
    }
  }
  return asize;
}

/** One node of a stream as a file stores it: its master ID and the lpBytes of its listpack. */
export interface StoredStreamNode {
  master: StreamId;
  bytes: number;
}

/**
 * A loaded stream's MEMORY USAGE SAMPLES 0 from the file's own node layout (listpack sizes as
 * saved, deleted entries included) and its consumer-group metadata, without rebuilding it.
 */
export function storedStreamUsage(m: SizeModel, nodes: readonly StoredStreamNode[], meta: StreamMeta): number {
  let asize = ROBJ_SIZE + (m.rules.legacy ? STREAM_SIZE_62 : STREAM_SIZE);
  const keys = nodes.map((n) => idToKey(n.master));
  asize += SizeModel.raxUsage(nodes.length, raxNodeCount(keys));
  for (const n of nodes) asize += m.listpack(n.bytes);
  for (const g of meta.groups) {
    asize += m.rules.cgSize;
    const pel = g.pending.map((p) => idToKey(p.id)).sort();
    asize += SizeModel.raxUsage(pel.length, raxNodeCount(pel)) + STREAM_NACK_SIZE * pel.length;
    for (const c of g.consumers) {
      const cpel = c.pending.map((id) => idToKey(id)).sort();
      asize += m.rules.consumerSize + c.name.length + SizeModel.raxUsage(cpel.length, raxNodeCount(cpel));
    }
  }
  return asize;
}
