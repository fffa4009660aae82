/**
 * The server process: flags and configuration, the listeners with their accept threads, the event
 * loops that serve connections, protocol selection by a connection's first byte, shutdown on
 * signals, and the counters {@code stats} reports. The protocol handlers live in subpackages, one
 * per protocol; this package is the only place that knows the codecs and the engines together.
 */
package dev.speicherd.server;
