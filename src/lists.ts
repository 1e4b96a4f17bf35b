/**
 * Appends `items` to `target` one by one and returns `target`. Not `target.push(...items)`: that
 * passes every item as an argument on the stack, and a list as long as a large file overflows it
 * ("Maximum call stack size exceeded" skipped a 2 MB `.env`).
 */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
