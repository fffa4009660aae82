/**
 * The speicher protocol, the wire protocol of the Python {@code speicher} client: frames of a
 * 4-byte signed big-endian length and a UTF-8 JSON object, requests with a {@code command}
 * ({@code SET}, {@code GET}, {@code DEL}, {@code RST}) and responses with a {@code status_code}
 * (200, 404, 400, 503). {@link dev.speicherd.codec.speicher.SpeicherFrameReader} turns frames
 * into {@link dev.speicherd.codec.speicher.SpeicherCommand}s and tells a wrong request (answer
 * and go on) from a stream that cannot be followed (answer and close);
 * {@link dev.speicherd.codec.speicher.SpeicherFrameWriter} writes
 * {@link dev.speicherd.codec.speicher.SpeicherResponse}s; and
 * {@link dev.speicherd.codec.speicher.SpeicherValues} maps the bytes of items written over
 * memcached to JSON, which is how the two protocols share one keyspace.
 */
package dev.speicherd.codec.speicher;
