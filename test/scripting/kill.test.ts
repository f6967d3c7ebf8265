import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { ErrorReply } from '../../src/engine/reply.js';
import { scriptHost, sha1hex } from '../../src/scripting/host.js';
import { installScripting } from './setup.js';

installScripting();

/** Texts captured from redis-server 7.0.15 (a looping EVAL, SCRIPT KILL from another client). */
const KILLED = (sha: string) => `ERR Script killed by user with SCRIPT KILL... script: ${sha}, on @user_script:1.`;

function engine(thresholdMs: number): Engine {
  const e = new Engine({ timers: false });
  e.config.busyReplyThreshold = thresholdMs;
  return e;
}

describe('runaway scripts', () => {
  it('an infinite loop is stopped by SCRIPT KILL once busy', async () => {
    const e = engine(30);
    const s = e.createSession();
    const other = e.createSession();
    let busyCalls = 0;
    const killReplies: unknown[] = [];
    scriptHost(e).onBusy = (_host, elapsed) => {
      busyCalls++;
      expect(elapsed).toBeGreaterThanOrEqual(30);
      // What a front end does when another client sends SCRIPT KILL (or Ctrl-C in the shell).
      killReplies.push(other.execute(['SCRIPT', 'KILL']));
    };
    const body = 'while true do end';
    const r = s.execute(['EVAL', body, '0']);
    expect(r).toBeInstanceOf(ErrorReply);
    expect((r as ErrorReply).message).toBe(KILLED(sha1hex(body)));
    expect(busyCalls).toBe(1);
    expect(killReplies).toHaveLength(1);
    // The engine is usable afterwards and nothing is running.
    expect(s.execute(['SCRIPT', 'KILL'])).toBeInstanceOf(ErrorReply);
    expect((s.execute(['SCRIPT', 'KILL']) as ErrorReply).message).toBe('NOTBUSY No scripts in execution right now.');
    expect(s.execute(['EVAL', 'return 1', '0'])).toBe(1);
  });

  it('pcall cannot swallow the kill', async () => {
    const e = engine(20);
    const s = e.createSession();
    scriptHost(e).onBusy = (host) => void host.kill();
    const body = 'while true do pcall(function() while true do end end) end';
    const r = s.execute(['EVAL', body, '0']);
    expect((r as ErrorReply).message).toMatch(/^ERR Script killed by user with SCRIPT KILL\.\.\. script: /);
  });

  it('a loop inside a coroutine is stopped too', async () => {
    const e = engine(20);
    const s = e.createSession();
    scriptHost(e).onBusy = (host) => void host.kill();
    const r = s.execute(['EVAL', 'coroutine.wrap(function() while true do end end)() return 1', '0']);
    expect(r).toBeInstanceOf(ErrorReply);
    expect((r as ErrorReply).message).toMatch(/Script killed by user with SCRIPT KILL/);
  });

  it('a script that wrote is UNKILLABLE', async () => {
    const e = engine(20);
    const s = e.createSession();
    const answers: string[] = [];
    scriptHost(e).onBusy = (host) => void answers.push(host.kill());
    const body = "redis.call('set', 'w', '1') local t = os.clock() while os.clock() - t < 0.2 do end return 1";
    expect(s.execute(['EVAL', body, '0'])).toBe(1);
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers)).toEqual(new Set(['unkillable']));
    const other = e.createSession();
    scriptHost(e).onBusy = () => {
      const r = other.execute(['SCRIPT', 'KILL']) as ErrorReply;
      answers.push(r.message);
    };
    expect(s.execute(['EVAL', body, '0'])).toBe(1);
    expect(answers.at(-1)).toBe(
      'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
    );
  });

  it('FUNCTION KILL stops a runaway function', async () => {
    const e = engine(20);
    const s = e.createSession();
    const other = e.createSession();
    const replies: unknown[] = [];
    scriptHost(e).onBusy = () => void replies.push(other.execute(['FUNCTION', 'KILL']));
    expect(s.execute(['FUNCTION', 'LOAD', "#!lua name=spin\nredis.register_function('spin', function() while true do end end)"])).toBe('spin');
    const r = s.execute(['FCALL', 'spin', '0']) as ErrorReply;
    expect(r.message).toBe('ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.');
    expect(replies).toHaveLength(1);
    expect(s.execute(['FCALL', 'spin', 'x'])).toEqual(new ErrorReply('ERR Bad number of keys provided'));
  });
});

describe('other clients while a script runs', () => {
  it('get -BUSY for ordinary commands; SCRIPT KILL is let through', () => {
    const e = engine(20);
    const s = e.createSession();
    const other = e.createSession();
    const seen: unknown[] = [];
    scriptHost(e).onBusy = () => {
      if (seen.length === 0) {
        seen.push(other.execute(['GET', 'k']));
        seen.push(other.execute(['SCRIPT', 'KILL']));
      }
    };
    s.execute(['EVAL', 'while true do end', '0']);
    expect((seen[0] as ErrorReply).message).toBe(
      'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
    );
    expect(seen[1]).not.toBeInstanceOf(ErrorReply);
    // Afterwards the other client is served normally.
    expect(other.execute(['GET', 'k'])).toBeNull();
    e.close();
  });
});
