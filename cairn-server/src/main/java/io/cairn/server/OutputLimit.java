package io.cairn.server;


/** The {@code normal} class of {@code client-output-buffer-limit}: bytes of unsent replies a client may hold. */
record OutputLimit(long hard, long soft, long softSeconds) {
    static final OutputLimit NONE = new OutputLimit(0, 0, 0);

    /** Parses {@code "normal 0 0 0 replica 256mb 64mb 60 ..."}; only the normal class applies to Cairn's clients. */
    static OutputLimit parse(String spec) {
        String[] w = spec.trim().split("\\s+");
        for (int i = 0; i + 3 < w.length; i += 4) {
            if (w[i].equalsIgnoreCase("normal")) {
                return new OutputLimit(bytes(w[i + 1]), bytes(w[i + 2]), Long.parseLong(w[i + 3]));
            }
        }
        return NONE;
    }

    private static long bytes(String s) {
        String t = s.toLowerCase(java.util.Locale.ROOT);
        long mul = 1;
        if (t.endsWith("gb")) mul = 1L << 30;
        else if (t.endsWith("mb")) mul = 1L << 20;
        else if (t.endsWith("kb")) mul = 1L << 10;
        else if (t.endsWith("g")) mul = 1_000_000_000L;
        else if (t.endsWith("m")) mul = 1_000_000L;
        else if (t.endsWith("k")) mul = 1000L;
        String digits = t.replaceAll("[a-z]+$", "");
        return Long.parseLong(digits) * mul;
    }
}
