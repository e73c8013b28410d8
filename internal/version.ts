// Version strings: ringcache's own and the Redis version it answers as (clients gate features on it).
export const RINGCACHE_VERSION = '0.1.0';
/**
 * The Redis release whose command surface ringcache implements in full: INFO redis_version and
 * HELLO's version. 7.0.15, not a later one: clients enable 7.2 features (and their reply shapes)
 * by this number, and ringcache answers as 7.0 does.
 */
export const REDIS_COMPAT_VERSION = '7.0.15';
