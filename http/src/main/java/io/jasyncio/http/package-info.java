/**
 * HTTP/1.1 on jasyncio's streams: the sans-I/O protocol layer ({@code io.jasyncio.http.protocol}),
 * the client ({@code io.jasyncio.http.client}, aiohttp's {@code ClientSession}) and the server
 * ({@code io.jasyncio.http.server}, {@code aiohttp.web}).
 */
package io.jasyncio.http;
