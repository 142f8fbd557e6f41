/**
 * Warnings that must not flood: the same start-up message once per process (the compile contexts of the
 * adapters), and a per-request mistake once per policy or function (a late origin callback, a throwing
 * `onRefused`, a delegate answering twice).
 */

/** A `warn` that passes each distinct message to `emit` once. */
export function onceEach(emit: (message: string) => void): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    emit(message);
  };
}

/** True the first time `key` is seen in `seen` (and remembers it). */
export function firstTime(seen: WeakSet<object>, key: object): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}
