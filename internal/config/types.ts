// Types derived from the schema (PARAMS as written): the path union, each path's value type, and Config's mechanical shape.
import type { SchemaEntry } from './schema.js';

/** Every schema path (`'maxmemory'`, `'http.port'`, `'cluster.mode'` ...); a misspelt one does not compile. */
export type ParamPath = SchemaEntry['path'];

/** The schema entry of one path. */
export type ParamOf<P extends ParamPath> = Extract<SchemaEntry, { readonly path: P }>;

/**
 * A param's loaded value: int and memory are numbers, bool is boolean, an enum is the union of its
 * values, string and list are strings (a list is comma-separated once loaded, see ParamType).
 */
type ValueOfParam<T> = T extends { readonly type: 'int' | 'memory' }
  ? number
  : T extends { readonly type: 'bool' }
    ? boolean
    : T extends { readonly type: 'enum'; readonly values: readonly (infer V extends string)[] }
      ? V
      : string;

/** The value of one path, as Config.values and ConfigRuntime hold it. */
export type ParamValue<P extends ParamPath> = ValueOfParam<ParamOf<P>>;

/** The paths whose value is a T: `ParamPathOf<number>` are the int and memory params. */
export type ParamPathOf<T> = { [P in ParamPath]: ParamValue<P> extends T ? P : never }[ParamPath];

/** Arguments of a change hook: a path and its new value, so checking the path narrows the value. */
export type ParamChange = { [P in ParamPath]: [path: P, value: ParamValue<P>] }[ParamPath];

/** snake_case -> camelCase (`max_memory_policy` -> `maxMemoryPolicy`). */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** The typed field of a path: its value, except that a list is split into its items. */
type FieldOf<P extends ParamPath> = ParamOf<P> extends { readonly type: 'list' } ? readonly string[] : ParamValue<P>;

type TopPath = Exclude<ParamPath, `${string}.${string}`>;
type SectionName = ParamPath extends infer P ? (P extends `${infer S}.${string}` ? S : never) : never;
type SectionKey<S extends string, P> = P extends `${S}.${infer K}` ? K : never;

/**
 * What Config holds for the schema, mechanically: each top-level path as a camelCase field
 * (`log_dir` -> `logDir`), each `section.key` as a camelCase field of a nested `section` object
 * (`http.auth_token` -> `http.authToken`). Config (load.ts) adds and replaces the derived fields.
 */
export type SchemaConfig = { readonly [P in TopPath as CamelCase<P>]: FieldOf<P> } & {
  readonly [S in SectionName]: { readonly [P in Extract<ParamPath, `${S}.${string}`> as CamelCase<SectionKey<S, P>>]: FieldOf<P> };
};
