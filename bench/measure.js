// Runs a command, measuring its wall time and peak RSS (VmHWM polled from /proc): how the
// RDB benchmarks time redscope and the real tools side by side.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** { ms, peakMb, code, stderr, stdoutBytes }; stdout is counted, or discarded with { discard: true }. */
export function measure(cmd, argv, { discard = false } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', discard ? 'ignore' : 'pipe', 'pipe'] });
    let peakKb = 0;
    let stderr = '';
    let stdoutBytes = 0;
    child.stdout?.on('data', (d) => (stdoutBytes += d.length));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 5);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ ms, peakMb: peakKb / 1024, code, stderr, stdoutBytes });
    });
  });
}
