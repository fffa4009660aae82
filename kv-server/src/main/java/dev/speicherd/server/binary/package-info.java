/**
 * Serves memcached's binary protocol against the shared store, as memcached 1.6.18 answers it:
 * every opcode memcached serves, quiet variants that leave out what memcached leaves out, the
 * cas in the request header checked by every change, and the same counters the text protocol
 * keeps. A connection speaks it when its first byte is the request magic 0x80, on any port.
 */
package dev.speicherd.server.binary;
