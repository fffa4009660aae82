/**
 * The store contract that every wire protocol and every storage engine share: the {@link
 * dev.speicherd.api.Store} interface, the immutable {@link dev.speicherd.api.Item} it holds, the
 * result values its operations return, and the injected {@link dev.speicherd.api.Clock}. This
 * package depends on nothing but the JDK, so the codecs and the engines can meet here without
 * knowing each other.
 */
package dev.speicherd.api;
