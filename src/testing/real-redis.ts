import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StatusReply } from '../engine/reply.js';
import { RespClient } from '../resp/client.js';

/**
 * Starts a real redis-server on a free loopback port in a temporary directory: the oracle
 * for differential tests and benchmarks. Nothing is persisted unless asked.
 */
export interface RealRedis {
  port: number;
  dir: string;
  version: string;
  client(): Promise<RespClient>;
  stop(): Promise<void>;
}

export function redisServerPath(): string | null {
  for (const p of [process.env['REDIS_SERVER'], '/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startRealRedis(extraArgs: string[] = []): Promise<RealRedis> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server not found (install Debian redis-server, or set REDIS_SERVER)');
  const version = /v=(\S+)/.exec(execFileSync(bin, ['--version']).toString())?.[1] ?? 'unknown';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    bin,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--save', '',
      '--appendonly', 'no',
      '--daemonize', 'no',
      '--logfile', path.join(dir, 'redis.log'),
      '--enable-debug-command', 'yes',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const c = await RespClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      // Until its dataset is loaded Redis answers -LOADING: wait for a real PONG.
      if (pong instanceof StatusReply && pong.text === 'PONG') break;
      if (Date.now() > deadline) throw new Error('still loading');
      await new Promise((r) => setTimeout(r, 20));
      continue;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return {
    port,
    dir,
    version,
    client: () => RespClient.connect(port),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          fs.rmSync(dir, { recursive: true, force: true });
          return resolve();
        }
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGKILL');
      }),
  };
}
