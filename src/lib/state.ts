import * as core from '@actions/core';

/**
 * Typed state between an action's main and post steps (GITHUB_STATE). Each stage declares its slots in one
 * module of its own (`src/<stage>/state.ts`), so main and post agree on a key and a shape by type, not by a
 * string and a cast. What is read back is checked by the slot's `parse`, since a state file is only text.
 */
export interface StateSlot<T> {
  save(value: T): void;
  /** Undefined when nothing (or an empty value) was saved. */
  load(): T | undefined;
  clear(): void;
}

export function stateSlot<T>(key: string, parse: (value: unknown) => T): StateSlot<T> {
  return {
    save: (value) => core.saveState(key, JSON.stringify(value)),
    load: () => {
      const saved = core.getState(key);
      return saved === '' ? undefined : parse(JSON.parse(saved));
    },
    clear: () => core.saveState(key, ''),
  };
}
