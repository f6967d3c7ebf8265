import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { useApp, useInput, type Key } from 'ink';
import { decodeKey } from './keys.js';
import type { Shell } from './shell.js';
import type { ShellState } from './state.js';

/** The shell's state, re-rendering on every reducer step. */
export function useShellState(shell: Shell): ShellState {
  return useSyncExternalStore(shell.store.subscribe, shell.store.getState);
}

/** Feeds decoded keys to the shell while it runs; unmounts Ink when it exits. */
export function useShellInput(shell: Shell, exited: boolean): void {
  const { exit } = useApp();
  const onInput = useCallback((input: string, key: Key) => shell.keys(decodeKey(input, key)), [shell]);
  useInput(onInput, { isActive: !exited });
  useEffect(() => {
    if (exited) exit();
  }, [exited, exit]);
}
