/**
 * memcached's binary protocol, as memcached 1.6 serves it: a reader that turns each 24-byte
 * request header and the body after it into a {@link dev.speicherd.codec.binary.BinaryCommand},
 * and a writer of response packets. The reader checks every size against what the opcode takes
 * and reads a value into memory only when it fits the item limit; what the server does with a
 * command, and which replies a quiet opcode leaves out, is the server's business.
 */
package dev.speicherd.codec.binary;
