/** The type of a value after `deepFreeze`: nothing inside it can be assigned. */
export type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * Freezes a plain data tree (objects and arrays from a parser) in place. Config is read
 * once at start-up and shared by every job; freezing makes an accidental write throw in
 * strict mode instead of silently changing what other jobs see.
 */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}
