package io.cairn.server;

/** One class of {@code client-output-buffer-limit}: bytes of unsent replies a client of that class may hold. */
record OutputLimit(long hard, long soft, long softSeconds) {
    static final OutputLimit NONE = new OutputLimit(0, 0, 0);

    /**
     * Reads the normal class from {@code client-output-buffer-limit} as {@code ServerConfig} holds it: already
     * normalised to plain byte counts ({@code "normal 0 0 0 slave 268435456 67108864 60 ..."}).
     */
    static OutputLimit parse(String spec) {
        return parse(spec, "normal");
    }

    /** Reads class {@code name} ({@code normal}, {@code pubsub}) from {@code client-output-buffer-limit}; none if absent. */
    static OutputLimit parse(String spec, String name) {
        String[] w = spec.trim().split("\\s+");
        for (int i = 0; i + 3 < w.length; i += 4) {
            if (w[i].equals(name)) {
                return new OutputLimit(Long.parseLong(w[i + 1]), Long.parseLong(w[i + 2]), Long.parseLong(w[i + 3]));
            }
        }
        return NONE;
    }
}
