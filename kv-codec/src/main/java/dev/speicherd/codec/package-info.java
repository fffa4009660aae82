/**
 * Blocking codecs for the wire protocols speicherd speaks, one subpackage per protocol. A reader
 * turns the bytes of a stream into command values; a writer turns results into bytes. Codecs
 * know the {@code kv-api} types and nothing of storage or of the server.
 */
package dev.speicherd.codec;
