/**
 * Optional fields under `exactOptionalPropertyTypes`: an optional property may be absent but not `undefined`, so
 * code that forwards maybe-undefined values would otherwise spell `...(x !== undefined ? { x } : {})` per field.
 */

/** `T` with every field that may be undefined made optional (and never undefined). */
export type Defined<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** A copy of `fields` without the ones that are undefined. */
export function defined<T extends object>(fields: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as Defined<T>;
}
