package io.cairn.server.resp;

/**
 * The bounds the decoder holds every client to, Redis's by default. Every length a client sends is checked against
 * one of these before anything is allocated for it.
 *
 * @param maxBulkLength     longest bulk string ({@code proto-max-bulk-len}, 512 MiB)
 * @param maxArrayLength    most elements in one request (Redis: 1024*1024*1024 as a count, but the query buffer
 *                          bounds it in practice)
 * @param maxInlineLength   longest inline command line (64 KiB)
 * @param maxQueryBuffer    most unparsed bytes held for one client ({@code client-query-buffer-limit}, 1 GiB)
 */
public record RespLimits(long maxBulkLength, long maxArrayLength, int maxInlineLength, long maxQueryBuffer) {
    public static final RespLimits REDIS = new RespLimits(512L << 20, 1024L * 1024 * 1024, 64 << 10, 1L << 30);

    /** Before AUTH, Redis allows only short requests: 10 arguments of at most 16 KiB. */
    public static final long UNAUTHENTICATED_ARRAY = 10;
    public static final long UNAUTHENTICATED_BULK = 16384;
}
