/**
 * `Vary` handling: add field names to an existing value without overwriting it or repeating a name
 * (compared case-insensitively); `*` already varies on everything.
 */
export function mergeVary(existing: string | undefined, add: string): string {
  if (existing === undefined || existing === '') return add;
  if (existing === add) return existing;
  const present = existing.split(',').map((name) => name.trim().toLowerCase());
  if (present.includes('*')) return existing;
  let merged = existing;
  for (const name of add.split(',')) {
    const trimmed = name.trim();
    if (!present.includes(trimmed.toLowerCase())) merged += `, ${trimmed}`;
  }
  return merged;
}
