import { useLayoutEffect, useRef } from 'react';
import { Box, Static, Text, useStdout } from 'ink';
import chalk from 'chalk';
import { useShellInput, useShellState } from './hooks.js';
import type { Shell } from './shell.js';
import type { OutputItem, SearchState } from './state.js';

/**
 * The shell's view: finished output above (Ink's Static, written once), then the live
 * part — a status line, the prompt with the line being edited and its dim hint, and the
 * completion candidates after an ambiguous Tab. Presentational only: it renders the
 * store and hands keys to the Shell controller.
 */

export function OutputLine({ item, color = true }: { item: OutputItem; color?: boolean }) {
  if (item.kind === 'clear') return null;
  const text = item.text === '' ? ' ' : item.text;
  if (item.kind === 'error' && color) return <Text color="red">{text}</Text>;
  return <Text>{text}</Text>;
}

/** The edited line with the cursor drawn as an inverse cell. */
export function InputLine({ prompt, text, cursor, hint }: { prompt: string; text: string; cursor: number; hint: string | null }) {
  if (cursor >= text.length) {
    // The cursor sits on the first cell after the text: the hint's first character if any.
    const h = hint ?? '';
    return (
      <Text>
        {prompt}
        {text}
        <Text inverse dimColor={h !== ''}>{h.slice(0, 1) || ' '}</Text>
        {h.length > 1 ? <Text dimColor>{h.slice(1)}</Text> : null}
      </Text>
    );
  }
  return (
    <Text>
      {prompt}
      {text.slice(0, cursor)}
      <Text inverse>{text.slice(cursor, cursor + 1)}</Text>
      {text.slice(cursor + 1)}
      {hint !== null ? <Text dimColor>{hint}</Text> : null}
    </Text>
  );
}

export function SearchLine({ search, history }: { search: SearchState; history: readonly string[] }) {
  const failed = search.query !== '' && search.match < 0;
  const shown = search.match >= 0 ? history[search.match]! : '';
  return (
    <Text>
      {failed ? '(failed reverse-i-search)' : '(reverse-i-search)'}`{search.query}': {shown}
    </Text>
  );
}

export function Completions({ list }: { list: readonly string[] }) {
  const shown = list.slice(0, 60);
  return (
    <Box flexDirection="column">
      <Text dimColor>
        {shown.join('  ')}
        {list.length > shown.length ? `  … (${list.length - shown.length} more)` : ''}
      </Text>
    </Box>
  );
}

/**
 * Finished output written straight to the terminal above the live area (Ink's
 * writeToStdout), bypassing Ink's per-character layout: a 100 000-line reply prints as
 * fast as the terminal takes it.
 */
function DirectOutput({ items, color }: { items: readonly OutputItem[]; color: boolean }) {
  const { write } = useStdout();
  const written = useRef(0);
  useLayoutEffect(() => {
    if (written.current >= items.length) return;
    let out = '';
    for (let i = written.current; i < items.length; i++) {
      const it = items[i]!;
      if (it.kind === 'clear') {
        out += '\x1b[H\x1b[2J';
        continue;
      }
      out += (it.kind === 'error' && color ? chalk.red(it.text) : it.text) + '\n';
    }
    written.current = items.length;
    write(out);
  }, [items, write, color]);
  return null;
}

export interface AppProps {
  shell: Shell;
  /**
   * How finished output reaches the screen: 'static' renders it through Ink's <Static>
   * (what ink-testing-library frames show), 'direct' writes it to the terminal as is.
   */
  output?: 'static' | 'direct';
  /**
   * Colour (errors in red). Off for NO_COLOR / --no-color; the cursor (inverse) and the
   * hints (dim) stay, being styles rather than colours, as no-color.org asks.
   */
  color?: boolean;
}

export function App({ shell, output = 'static', color = true }: AppProps) {
  const state = useShellState(shell);
  useShellInput(shell, state.exited);
  const { line } = state;
  const hint = state.search ? null : shell.hint(line.text);
  return (
    <>
      {output === 'direct' ? (
        <DirectOutput items={state.output} color={color} />
      ) : (
        <Static items={state.output as OutputItem[]}>{(item) => <OutputLine key={item.id} item={item} color={color} />}</Static>
      )}
      {state.exited ? null : (
        <Box flexDirection="column">
          {state.status !== null ? <Text dimColor>{state.status}</Text> : null}
          {state.search ? (
            <SearchLine search={state.search} history={state.history} />
          ) : (
            <InputLine prompt={state.prompt} text={line.text} cursor={line.cursor} hint={hint} />
          )}
          {state.completions ? <Completions list={state.completions} /> : null}
        </Box>
      )}
    </>
  );
}
