package io.cairn.server;

import io.cairn.server.config.ServerConfig;

/**
 * Sets up the default SLF4J binding (slf4j-simple) from {@code loglevel} and {@code logfile} before the first logger
 * exists: one line per event with a timestamp and level. A user's own binding or JAVA_OPTS properties win.
 */
final class Logging {
    private Logging() {
    }

    static void configure(ServerConfig config) {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", switch (config.get("loglevel")) {
            case "debug" -> "debug";
            case "verbose" -> "info";
            case "warning" -> "warn";
            case "nothing" -> "off";
            default -> "info";
        });
        setDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
        // Ratis logs every step of an election and a snapshot at INFO; Cairn logs leader changes itself
        String level = config.get("loglevel");
        if (!level.equals("debug") && !level.equals("verbose")) {
            setDefault("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
            if (config.get("cluster-transport").equals("netty")) {
                // Ratis's Netty appender retries an unreachable member every 25 ms, and each attempt logs the refused
                // connection with its stack trace several times over (about 500 lines a second): its lifecycle's
                // reports go, and the appender's own warnings (every tenth retry, with the cause) are kept to errors.
                // gRPC's appender logs the same condition once in five seconds.
                setDefault("org.slf4j.simpleLogger.log.org.apache.ratis.util.LifeCycle", "off");
                setDefault("org.slf4j.simpleLogger.log.org.apache.ratis.server.leader.LogAppender", "error");
            }
        }
        if (!config.get("logfile").isEmpty()) setDefault("org.slf4j.simpleLogger.logFile", config.get("logfile"));
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
