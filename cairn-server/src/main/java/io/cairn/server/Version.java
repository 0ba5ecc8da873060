package io.cairn.server;

/** The version the server reports (INFO's redis_version is the Redis version whose commands it speaks). */
public final class Version {
    public static final String VERSION = "0.1.0";
    /** What INFO reports as redis_version: clients pick features by it. */
    public static final String REDIS_COMPAT = "7.0.0";

    private Version() {
    }
}
