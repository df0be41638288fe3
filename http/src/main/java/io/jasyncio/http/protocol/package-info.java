/**
 * HTTP/1.1 without I/O: a strict, limit-enforcing parser ({@link io.jasyncio.http.protocol.HttpParser})
 * that turns bytes into events, a serializer ({@link io.jasyncio.http.protocol.HttpWriter}), header
 * lists ({@link io.jasyncio.http.protocol.Headers}) and Content-Encoding decoding
 * ({@link io.jasyncio.http.protocol.ContentDecoder}). Shared by the client and the server, which
 * bring the sockets; nothing here blocks, suspends or needs an event loop. ADR 0015 explains the
 * design, the strictness rules and the limits.
 */
package io.jasyncio.http.protocol;
