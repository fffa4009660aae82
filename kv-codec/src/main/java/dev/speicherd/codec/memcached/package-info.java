/**
 * The memcached text protocol of memcached 1.6: a reader that turns a command line (and its
 * data block) into a {@link dev.speicherd.codec.memcached.MemcachedCommand}, and a writer of
 * replies. Meta commands arrive with their flags parsed but not interpreted; what a flag means
 * is the server's business.
 */
package dev.speicherd.codec.memcached;
