// Conversion between RESP replies and Lua values, by Redis's rules for RESP2 and RESP3 (script_lua.c).
import { formatDouble } from '../resp/encoder.js';
import { errorReply, int, NULL_BULK, type Reply } from '../resp/reply.js';
import { cname, lua, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, pushString, toString, type LuaState } from './lua.js';

/** An error reply that was already counted in the error stats when the command that raised it ran. */
export interface CountedError {
  readonly t: 'error';
  readonly v: string;
  readonly counted: true;
}

/**
 * Pushes the `{err = line}` table redis.pcall returns for an error (luaPushErrorBuff). A `dashed`
 * text (`-CODE message`, or a command's error reply, which always starts with its code) keeps its
 * code; any other text is a message and gets `ERR`. A trailing CRLF is dropped. `counted` marks
 * an error the error stats already hold (a command's own error reply).
 */
export function pushErrorTable(L: LuaState, text: string, dashed: boolean, counted: boolean): void {
  let s = text;
  if (s.startsWith('-')) {
    s = s.slice(1);
    dashed = true;
  }
  if (!dashed || !s.includes(' ')) s = `ERR ${s}`;
  s = s.replace(/[\r\n]+$/, '');
  lua._lua_createtable(L, 0, 2);
  pushString(L, s);
  lua._lua_setfield(L, -2, cname('err'));
  if (counted) {
    lua._lua_pushboolean(L, 1);
    lua._lua_setfield(L, -2, cname('ignore_error_stats_update'));
  }
}

function pushTagged(L: LuaState, tag: string): void {
  lua._lua_createtable(L, 0, 1);
  lua._lua_createtable(L, 0, 0);
  lua._lua_pushvalue(L, -1);
  lua._lua_setfield(L, -3, cname(tag));
}

/** Pushes a command's reply as the Lua value redis.call returns, in the script's protocol. */
export function pushReply(L: LuaState, r: Reply, resp: 2 | 3): void {
  // A bulk or integer takes one slot, which every caller has (a C function starts with
  // LUA_MINSTACK free slots, and each enclosing table level checked for 4): no stack check call.
  if (r.t === 'bulk') {
    pushString(L, r.v);
    return;
  }
  if (r.t === 'int') {
    lua._lua_pushnumber(L, Number(r.v));
    return;
  }
  if (lua._lua_checkstack(L, 4) === 0) throw new Error('reached lua stack limit');
  switch (r.t) {
    case 'simple':
      lua._lua_createtable(L, 0, 1);
      pushString(L, r.v);
      lua._lua_setfield(L, -2, cname('ok'));
      return;
    case 'error':
      pushErrorTable(L, r.v, true, true);
      return;
    case 'nullbulk':
    case 'nullarray':
      if (resp === 2) lua._lua_pushboolean(L, 0);
      else lua._lua_pushnil(L);
      return;
    case 'array':
    case 'push':
    case 'multi':
      pushArray(L, r.v, resp);
      return;
    case 'set':
      if (resp === 2) {
        pushArray(L, r.v, resp);
        return;
      }
      pushTagged(L, 'set');
      for (const e of r.v) {
        pushReply(L, e, resp);
        lua._lua_pushboolean(L, 1);
        lua._lua_rawset(L, -3);
      }
      lua._lua_settop(L, -2);
      return;
    case 'map':
      if (resp === 2) {
        lua._lua_createtable(L, r.v.length * 2, 0);
        let i = 1;
        for (const [k, v] of r.v) {
          pushReply(L, k, resp);
          lua._lua_rawseti(L, -2, i++);
          pushReply(L, v, resp);
          lua._lua_rawseti(L, -2, i++);
        }
        return;
      }
      pushTagged(L, 'map');
      for (const [k, v] of r.v) {
        pushReply(L, k, resp);
        pushReply(L, v, resp);
        lua._lua_rawset(L, -3);
      }
      lua._lua_settop(L, -2);
      return;
    case 'double':
      if (resp === 2) {
        pushString(L, formatDouble(r.v));
        return;
      }
      lua._lua_createtable(L, 0, 1);
      lua._lua_pushnumber(L, r.v);
      lua._lua_setfield(L, -2, cname('double'));
      return;
    case 'bool':
      if (resp === 2) lua._lua_pushnumber(L, r.v ? 1 : 0);
      else lua._lua_pushboolean(L, r.v ? 1 : 0);
      return;
    case 'verbatim':
      if (resp === 2) {
        pushString(L, r.v);
        return;
      }
      pushTagged(L, 'verbatim_string');
      pushString(L, r.v);
      lua._lua_setfield(L, -2, cname('string'));
      pushString(L, r.format);
      lua._lua_setfield(L, -2, cname('format'));
      lua._lua_settop(L, -2);
      return;
    case 'raw':
      pushString(L, r.v.toString('latin1'));
      return;
  }
}

function pushArray(L: LuaState, items: readonly Reply[], resp: 2 | 3): void {
  lua._lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushReply(L, items[i] as Reply, resp);
    lua._lua_rawseti(L, -2, i + 1);
  }
}

/** The string field `name` of the table at the top, or null. */
function stringField(L: LuaState, name: string): string | null {
  pushString(L, name);
  lua._lua_rawget(L, -2);
  const s = lua._lua_type(L, -1) === LUA_TSTRING ? toString(L, -1) : null;
  lua._lua_settop(L, -2);
  return s;
}

/** Whether the table at the top has a field `name` of Lua type `type`; if so it is left pushed. */
function fieldOfType(L: LuaState, name: string, type: number): boolean {
  pushString(L, name);
  lua._lua_rawget(L, -2);
  if (lua._lua_type(L, -1) === type) return true;
  lua._lua_settop(L, -2);
  return false;
}

/** Redis replies `(long long)` of a Lua number: truncated toward zero, clamped to 64 bits. */
function luaNumberToInt(n: number): Reply {
  if (Number.isNaN(n)) return int(-9223372036854775808n);
  const t = Math.trunc(n);
  if (t >= 2 ** 63) return int(9223372036854775807n);
  if (t <= -(2 ** 63)) return int(-9223372036854775808n);
  return Number.isSafeInteger(t) ? int(t) : int(BigInt(t));
}

/**
 * Converts (and pops) the value at the top of the stack into the reply the script returns.
 * `resp` is the script's protocol (redis.setresp), which decides how booleans come out.
 */
export function popReply(L: LuaState, resp: 2 | 3, depth = 0): Reply {
  if (lua._lua_checkstack(L, 4) === 0 || depth > 1000) {
    lua._lua_settop(L, -2);
    return errorReply('ERR reached lua stack limit');
  }
  const t = lua._lua_type(L, -1);
  let out: Reply;
  switch (t) {
    case LUA_TSTRING:
      out = { t: 'bulk', v: toString(L, -1) as string };
      break;
    case LUA_TBOOLEAN: {
      const b = lua._lua_toboolean(L, -1) !== 0;
      out = resp === 2 ? (b ? int(1) : NULL_BULK) : { t: 'bool', v: b };
      break;
    }
    case LUA_TNUMBER:
      out = luaNumberToInt(lua._lua_tonumber(L, -1));
      break;
    case LUA_TTABLE:
      out = tableReply(L, resp, depth);
      break;
    default:
      out = NULL_BULK;
  }
  lua._lua_settop(L, -2);
  return out;
}

/** A table at the top (left in place): error, status, double, big number, verbatim, map, set or array. */
function tableReply(L: LuaState, resp: 2 | 3, depth: number): Reply {
  const err = stringField(L, 'err');
  if (err !== null) {
    pushString(L, 'ignore_error_stats_update');
    lua._lua_rawget(L, -2);
    const counted = lua._lua_toboolean(L, -1) !== 0;
    lua._lua_settop(L, -2);
    const e: Reply | CountedError = counted ? { t: 'error', v: err, counted: true } : errorReply(err);
    return e;
  }
  const ok = stringField(L, 'ok');
  if (ok !== null) return { t: 'simple', v: ok.replace(/[\r\n]/g, ' ') };
  if (fieldOfType(L, 'double', LUA_TNUMBER)) {
    const d = lua._lua_tonumber(L, -1);
    lua._lua_settop(L, -2);
    return { t: 'double', v: d };
  }
  const big = stringField(L, 'big_number');
  if (big !== null) return { t: 'bulk', v: big.replace(/[\r\n]/g, ' ') };
  if (fieldOfType(L, 'verbatim_string', LUA_TTABLE)) {
    const format = stringField(L, 'format');
    const str = stringField(L, 'string');
    lua._lua_settop(L, -2);
    if (format !== null && str !== null) return { t: 'verbatim', format, v: str };
  }
  if (fieldOfType(L, 'map', LUA_TTABLE)) {
    const pairs: [Reply, Reply][] = [];
    lua._lua_pushnil(L);
    while (lua._lua_next(L, -2) !== 0) {
      lua._lua_pushvalue(L, -2);
      const k = popReply(L, resp, depth + 1);
      const v = popReply(L, resp, depth + 1);
      pairs.push([k, v]);
    }
    lua._lua_settop(L, -2);
    return { t: 'map', v: pairs };
  }
  if (fieldOfType(L, 'set', LUA_TTABLE)) {
    const items: Reply[] = [];
    lua._lua_pushnil(L);
    while (lua._lua_next(L, -2) !== 0) {
      lua._lua_settop(L, -2);
      lua._lua_pushvalue(L, -1);
      items.push(popReply(L, resp, depth + 1));
    }
    lua._lua_settop(L, -2);
    return { t: 'set', v: items };
  }
  const items: Reply[] = [];
  for (let j = 1; ; j++) {
    lua._lua_rawgeti(L, -1, j);
    if (lua._lua_type(L, -1) === 0) {
      lua._lua_settop(L, -2);
      break;
    }
    items.push(popReply(L, resp, depth + 1));
  }
  return { t: 'array', v: items };
}
