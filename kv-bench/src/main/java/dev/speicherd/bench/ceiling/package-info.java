/**
 * Two bare memcached responders that bound what a server design can reach on a machine: they
 * answer memaslap's {@code get} and {@code set} with a fixed value and store nothing, so what
 * they cost is the connection handling alone. {@link BareServer} runs either one; {@code
 * bench/ceiling.sh} puts them beside memcached and speicherd under the same load. Not part of
 * the server.
 */
package dev.speicherd.bench.ceiling;
