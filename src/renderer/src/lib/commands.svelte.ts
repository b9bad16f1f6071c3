/**
 * One command registry (Excalidraw-style actions): every command has a name, a label, default keys, an enabled
 * predicate and a run function. Buttons, keyboard shortcuts, the cheat-sheet and the shortcut settings all read it,
 * so a key shown in the cheat-sheet is exactly the key that runs the button's action.
 */

export interface Command {
  name: string;
  label: string;
  group: string;
  /** Default key chords, e.g. `Ctrl+Z`, `Shift+Tab`, `?`. */
  keys: readonly string[];
  enabled?: () => boolean;
  run: () => unknown;
  /** Also fires while focus is in a text field (e.g. Escape). */
  global?: boolean;
  /** When several enabled commands share a key, the highest priority runs (default 0). */
  priority?: number;
}

import { untrack } from 'svelte';

const STORAGE_KEY = 'poseloop.shortcuts';

/** A key event as a chord string: modifiers in the order Ctrl, Alt, Shift, then the key. */
export function chordOf(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>,
): string {
  let key = event.key;
  if (key === ' ') key = 'Space';
  if (key.length === 1) key = key.toUpperCase();
  if (['Control', 'Meta', 'Alt', 'Shift'].includes(key)) return '';
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Ctrl');
  if (event.altKey) parts.push('Alt');
  // Shift is part of symbols like ? and +, so it only counts for letters and named keys.
  if (event.shiftKey && (key.length > 1 || /[A-Z]/.test(key))) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

function loadOverrides(): Record<string, string[]> {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as unknown) : {};
    if (parsed && typeof parsed === 'object') {
      const out: Record<string, string[]> = {};
      for (const [name, keys] of Object.entries(parsed as Record<string, unknown>)) {
        if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) out[name] = keys as string[];
      }
      return out;
    }
  } catch {
    // Unreadable settings fall back to the defaults.
  }
  return {};
}

export class CommandRegistry {
  commands = $state.raw<Command[]>([]);
  overrides = $state<Record<string, string[]>>(loadOverrides());
  /** True while a dialog captures keys (shortcut recording): the registry then ignores key events. */
  capturing = $state(false);

  /** Adds commands (replacing same-named ones); returns the function that removes them. */
  register(list: readonly Command[]): () => void {
    const names = list.map((c) => c.name);
    // Called from effects: never make the caller depend on the registry it writes.
    untrack(() => {
      this.commands = [...this.commands.filter((c) => !names.includes(c.name)), ...list];
    });
    return () =>
      untrack(() => {
        this.commands = this.commands.filter((c) => !list.includes(c));
      });
  }

  get(name: string): Command | undefined {
    return this.commands.find((c) => c.name === name);
  }

  keysOf(name: string): readonly string[] {
    return this.overrides[name] ?? this.get(name)?.keys ?? [];
  }

  isEnabled(name: string): boolean {
    const command = this.get(name);
    return !!command && (command.enabled?.() ?? true);
  }

  run(name: string): boolean {
    const command = this.get(name);
    if (!command || !(command.enabled?.() ?? true)) return false;
    void command.run();
    return true;
  }

  setKeys(name: string, keys: string[]): void {
    this.overrides[name] = keys;
    this.save();
  }

  reset(name?: string): void {
    if (name === undefined) this.overrides = {};
    else delete this.overrides[name];
    this.save();
  }

  /** The other commands already bound to `chord`. */
  conflicts(chord: string, except: string): Command[] {
    return this.commands.filter((c) => c.name !== except && this.keysOf(c.name).includes(chord));
  }

  /** Runs the command bound to the event's chord; returns true (and stops the event) when one ran. */
  handle(event: KeyboardEvent): boolean {
    if (this.capturing) return false;
    const chord = chordOf(event);
    if (!chord) return false;
    const target = event.target as HTMLElement | null;
    const typing =
      !!target &&
      (target.isContentEditable ||
        (target.tagName === 'INPUT' &&
          !['checkbox', 'radio', 'range'].includes((target as HTMLInputElement).type)) ||
        target.tagName === 'TEXTAREA' ||
        target.tagName === 'SELECT');
    const candidates = this.commands
      .filter((c) => this.keysOf(c.name).includes(chord))
      .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
    for (const command of candidates) {
      if (typing && !command.global) continue;
      if (!(command.enabled?.() ?? true)) continue;
      event.preventDefault();
      event.stopPropagation();
      void command.run();
      return true;
    }
    return false;
  }

  private save(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify($state.snapshot(this.overrides)));
    } catch {
      // Private mode or full storage: the bindings still apply for this session.
    }
  }
}

export const commands = new CommandRegistry();

/** Global UI toggles the App shell owns (cheat-sheet, settings). */
class Overlays {
  cheatSheet = $state(false);
  settings = $state(false);
}
export const overlays = new Overlays();
