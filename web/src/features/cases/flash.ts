/**
 * A one-time message carried from one screen to the next (e.g. "MER-000012 was transferred to KJSO" shown
 * on the queue after the case left the agent's sight). Held in memory: a reload forgets it.
 */
import { useSyncExternalStore } from 'react';

export interface Flash {
  /** The path of the screen that shows it (once: leaving that screen forgets it). */
  path: string;
  /** Translation key and its values. */
  key: string;
  values?: Record<string, string | number>;
  color?: 'green' | 'blue' | 'yellow' | 'red';
  /** Set once its screen showed it. */
  shown?: boolean;
}

let current: Flash | null = null;
const listeners = new Set<() => void>();

export function setFlash(f: Flash | null): void {
  current = f;
  for (const l of listeners) l();
}

/** Marks the message as shown (it is forgotten on the next screen). */
export function markFlashShown(): void {
  if (current && !current.shown) current = { ...current, shown: true };
}

export function useFlash(): [Flash | null, () => void] {
  const value = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  return [value, () => setFlash(null)];
}
