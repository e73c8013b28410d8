// The C libraries Redis scripts get as globals (cjson, cmsgpack, bit, struct), implemented over the Lua C API.
import type { LuaState } from '../lua.js';
import { openBit } from './bit.js';
import { openCjson } from './cjson.js';
import { openCmsgpack } from './cmsgpack.js';
import { openStruct } from './struct.js';

/** Pushes a library's table (engine.ts's LibraryOpener, restated here so libs do not import the engine). */
type LibraryOpener = (L: LuaState) => void;

/** Name and opener (pushes the library table) of each library every engine gets. */
export const BUNDLED_LIBRARIES: readonly (readonly [string, LibraryOpener])[] = [
  ['cjson', openCjson],
  ['cmsgpack', openCmsgpack],
  ['bit', openBit],
  ['struct', openStruct],
];
