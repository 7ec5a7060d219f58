/** The largest config file read; a real one is a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
