/**
 * The one definition of a store id: lowercase letters, digits and underscores, at most 31
 * characters. The store edge turns it into a database name (`store_<id>`), so the pattern is also
 * what keeps that name safe to interpolate into DDL.
 */
export const STORE_ID = /^[a-z0-9][a-z0-9_]{0,30}$/;
