/**
 * jemalloc size classes, as `zmalloc_size` (malloc_usable_size) reports them.
 *
 * Redis 7.2+ builds its bundled jemalloc with `--with-lg-quantum=3`, so small classes are
 * 8-byte spaced up to 64 (8, 16, 24, 32, 40, 48, 56, 64); Redis 7.0 (and Debian's 7.0.15,
 * linked against the system jemalloc) uses the default 16-byte quantum (8, 16, 32, 48, 64).
 * Above that both have four classes per doubling (80, 96, 112, 128, 160, 192, 224, 256,
 * 320, …), which also holds for jemalloc's large and huge classes.
 */
export type Quantum = 8 | 16;

export function mallocSize(n: number, quantum: Quantum): number {
  if (n <= 8) return 8;
  if (n <= quantum * 4) return Math.ceil(n / quantum) * quantum;
  // Four classes per power of two: delta = 2^(floor(log2(n - 1)) - 2).
  if (n <= 0x40000000) {
    const delta = 1 << (29 - Math.clz32(n - 1));
    return Math.ceil(n / delta) * delta;
  }
  const delta = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / delta) * delta;
}
