import fs from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Crc64 } from './crc64.js';

/**
 * The CRC64 of a file's first `length` bytes, computed on a worker thread so that a whole-
 * file check overlaps with parsing (the checksum is a fifth of a verify's time otherwise).
 */
export function crc64OfFileInWorker(path: string, length: number): { result: Promise<bigint>; cancel: () => void } | null {
  const script = workerScript();
  if (!script) return null;
  const worker = new Worker(script, { workerData: { path, length } });
  const result = new Promise<bigint>((resolve, reject) => {
    worker.once('message', (m: { lo: number; hi: number }) => resolve((BigInt(m.hi) << 32n) | BigInt(m.lo)));
    worker.once('error', reject);
  });
  result.catch(() => {});
  return { result, cancel: () => void worker.terminate() };
}

/**
 * This module as a script a Worker can run: itself when compiled, the built copy in dist/
 * when it runs as TypeScript source (under the test runner); null when there is none.
 */
function workerScript(): URL | null {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new URL(self);
  const built = new URL(self.replace('/src/', '/dist/').replace(/\.ts$/, '.js'));
  return fs.existsSync(built) ? built : null;
}

if (!isMainThread && parentPort && workerData && typeof workerData.path === 'string') {
  const { path, length } = workerData as { path: string; length: number };
  const crc = new Crc64();
  const fd = fs.openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, length - done), done);
      if (n === 0) break;
      crc.update(buf, 0, n);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  parentPort.postMessage({ lo: crc.lo, hi: crc.hi });
}
