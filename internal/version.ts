// Version strings: ringcache's own and the Redis version it answers as (clients gate features on it).
export const RINGCACHE_VERSION = '0.1.0';
export const REDIS_COMPAT_VERSION = '7.2.4';
