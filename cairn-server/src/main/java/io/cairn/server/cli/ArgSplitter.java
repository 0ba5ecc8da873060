package io.cairn.server.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a typed line into arguments as redis-cli does (its {@code sdssplitargs}): words separated by blanks;
 * {@code "double quotes"} with the escapes {@code \n \r \t \b \a \\ \" \xHH}; {@code 'single quotes'} where only
 * {@code \'} is an escape. A closing quote must end the word. Text is encoded as UTF-8; {@code \xHH} gives one byte.
 */
final class ArgSplitter {
    private ArgSplitter() {
    }

    /** The arguments, or null when the quotes are unbalanced (redis-cli then prints "Invalid argument(s)"). */
    static List<byte[]> split(String line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            if (i >= n) return args;
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (i >= n) return null;
                    char c = line.charAt(i);
                    if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line.charAt(i + 2))
                            && isHex(line.charAt(i + 3))) {
                        cur.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        char e = line.charAt(i);
                        switch (e) {
                            case 'n' -> cur.write('\n');
                            case 'r' -> cur.write('\r');
                            case 't' -> cur.write('\t');
                            case 'b' -> cur.write('\b');
                            case 'a' -> cur.write(7);
                            default -> put(cur, e);
                        }
                    } else if (c == '"') {
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) return null;
                        done = true;
                    } else {
                        i = putCodePoint(cur, line, i);
                    }
                } else if (inSingle) {
                    if (i >= n) return null;
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) return null;
                        done = true;
                    } else {
                        i = putCodePoint(cur, line, i);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        continue;
                    }
                    char c = line.charAt(i);
                    if (Character.isWhitespace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inDouble = true;
                    } else if (c == '\'') {
                        inSingle = true;
                    } else {
                        i = putCodePoint(cur, line, i);
                    }
                }
                if (i < n) i++;
            }
            args.add(cur.toByteArray());
        }
    }

    /** Splits with {@link #split} and returns the words as text, for completion and hints; null if unbalanced. */
    static List<String> words(String line) {
        List<byte[]> b = split(line);
        if (b == null) return null;
        List<String> out = new ArrayList<>(b.size());
        for (byte[] x : b) out.add(new String(x, StandardCharsets.UTF_8));
        return out;
    }

    private static int putCodePoint(ByteArrayOutputStream cur, String line, int i) {
        int cp = line.codePointAt(i);
        cur.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        return i + Character.charCount(cp) - 1;
    }

    private static void put(ByteArrayOutputStream cur, char c) {
        cur.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
