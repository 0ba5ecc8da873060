package io.cairn.server.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments as Redis does (its {@code sdssplitargs}): blanks before an argument
 * are skipped (C's {@code isspace}), an unquoted argument ends at a space, tab, CR or LF; double quotes allow
 * {@code \n \r \t \b \a \\ \"} and {@code \xHH} escapes; single quotes allow only {@code \'}; a closing quote must be
 * followed by a blank or the end of the line. Redis hands the line to {@code sdssplitargs} as a C string, so a NUL byte
 * ends it: whatever follows is ignored (and a quote still open there is unbalanced).
 */
final class InlineParser {
    private InlineParser() {
    }

    static byte[][] split(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int n = line.length;
        for (int z = 0; z < n; z++) {
            if (line[z] == 0) {
                n = z;
                break;
            }
        }
        while (true) {
            while (i < n && isSpace(line[i])) i++;
            if (i >= n) break;
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (i >= n) throw unbalanced();
                    byte b = line[i];
                    if (b == '\\' && i + 3 < n && line[i + 1] == 'x' && hex(line[i + 2]) >= 0 && hex(line[i + 3]) >= 0) {
                        cur.write(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                        i += 3;
                    } else if (b == '\\' && i + 1 < n) {
                        i++;
                        byte c = line[i];
                        cur.write(switch (c) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> c;
                        });
                    } else if (b == '"') {
                        if (i + 1 < n && !isSpace(line[i + 1])) throw unbalanced();
                        done = true;
                    } else {
                        cur.write(b);
                    }
                } else if (inSingle) {
                    if (i >= n) throw unbalanced();
                    byte b = line[i];
                    if (b == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (b == '\'') {
                        if (i + 1 < n && !isSpace(line[i + 1])) throw unbalanced();
                        done = true;
                    } else {
                        cur.write(b);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        continue;
                    }
                    byte b = line[i];
                    if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                        done = true;
                    } else if (b == '"') {
                        inDouble = true;
                    } else if (b == '\'') {
                        inSingle = true;
                    } else {
                        cur.write(b);
                    }
                }
                if (i < n) i++;
            }
            out.add(cur.toByteArray());
        }
        return out.toArray(new byte[0][]);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == 0x0B;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        return -1;
    }

    private static RespProtocolException unbalanced() {
        return new RespProtocolException("unbalanced quotes in request");
    }
}
