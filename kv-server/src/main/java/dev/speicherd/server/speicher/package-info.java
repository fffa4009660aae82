/**
 * The speicher protocol's side of the server: a connection loop that reads frames with the
 * {@code kv-codec} speicher reader, carries each command out against the shared store, and
 * answers with the speicher writer. Items written here hold the value's JSON text with flags 0
 * and no expiry, so memcached clients read them as that text; items written over memcached read
 * here through {@link dev.speicherd.codec.speicher.SpeicherValues#toJson}.
 */
package dev.speicherd.server.speicher;
