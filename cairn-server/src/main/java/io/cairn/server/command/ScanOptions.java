package io.cairn.server.command;

/**
 * The options of a collection's cursor scan (HSCAN, SSCAN): {@code MATCH pattern} and {@code COUNT n}, read as Redis's
 * scanGenericCommand reads them (a COUNT below 1 is a syntax error; a MATCH of exactly {@code *} matches everything,
 * the empty string included).
 *
 * @param count   about how many entries a step visits
 * @param pattern the glob a field or member must match, or null for all
 */
record ScanOptions(int count, byte[] pattern) {

    /** The options from {@code a[from]} on. */
    static ScanOptions parse(byte[][] a, int from) {
        long count = 10;
        byte[] pattern = null;
        for (int i = from; i < a.length; i += 2) {
            boolean hasValue = i + 1 < a.length;
            if (Args.is(a[i], "COUNT") && hasValue) {
                count = Args.toLong(a[i + 1]);
                if (count < 1) throw Errors.syntax();
            } else if (Args.is(a[i], "MATCH") && hasValue) {
                byte[] p = a[i + 1];
                pattern = p.length == 1 && p[0] == '*' ? null : p;
            } else {
                throw Errors.syntax();
            }
        }
        return new ScanOptions((int) Math.min(count, Integer.MAX_VALUE - 8), pattern);
    }

    boolean matches(byte[] entry) {
        return pattern == null || Glob.match(pattern, entry);
    }

    /** The reply to a scan of an absent key: cursor 0, no entries. */
    static void emptyScan(Client c) {
        c.reply().array(2);
        c.reply().bulk(new byte[]{'0'});
        c.reply().array(0);
    }
}
