/**
 * The wait of a stand-in for what arrives (the mail catcher's messages, the endpoint receiver's calls):
 * the first item that matches, among those already recorded or those still to come.
 */
export interface Arrivals<T> {
  /** Tells the waits of an item just recorded. */
  arrived(item: T): void;
  /** The first matching item; after `timeoutMs` without one, an error saying `noneMatched()`. */
  waitFor(predicate: (item: T) => boolean, timeoutMs: number, noneMatched: () => string): Promise<T>;
}

export function arrivals<T>(recorded: () => readonly T[]): Arrivals<T> {
  const listeners = new Set<(item: T) => void>();
  return {
    arrived(item) {
      for (const listener of listeners) listener(item);
    },
    waitFor(predicate, timeoutMs, noneMatched) {
      const found = recorded().find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(noneMatched()));
        }, timeoutMs);
        const listener = (item: T) => {
          if (!predicate(item)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolvePromise(item);
        };
        listeners.add(listener);
      });
    },
  };
}
