// What the two list representations share: the operations ListValue delegates, and the listpack size estimate.

/** Listpack header (total bytes + element count) and end marker. */
export const LISTPACK_FRAME_BYTES = 7;
/** Smallest element capacity; always a power of two so positions wrap with a mask. */
export const MIN_CAPACITY = 4;

/** Bytes one element takes inside a listpack: encoding header, payload, back-length. */
export function listpackEntryBytes(len: number): number {
  const header = len < 64 ? 1 : len < 4096 ? 2 : 5;
  const entry = header + len;
  const back = entry < 128 ? 1 : entry < 16384 ? 2 : entry < 2097152 ? 3 : entry < 268435456 ? 4 : 5;
  return entry + back;
}

/** A list representation; indexes are already resolved to 0 <= i < size by the caller. */
export interface ListRep {
  readonly size: number;
  /** Element capacity before the next growth. */
  readonly capacity: number;
  /** Estimated serialized listpack size of the content (list-max-listpack-size's measure: encodings.ts). */
  readonly packedBytes: number;
  byteSize(): number;
  /** A deep copy in the same representation. */
  clone(): ListRep;
  pushHead(v: string): void;
  pushTail(v: string): void;
  popHead(): string | undefined;
  popTail(): string | undefined;
  at(i: number): string;
  setAt(i: number, v: string): void;
  /** Elements start..stop inclusive. */
  range(start: number, stop: number): string[];
  insertAt(i: number, v: string): void;
  removeMatches(v: string, count: number): number;
  trim(left: number, right: number): void;
}
