package io.cairn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a log record: one {@link Mutation}. The frame around it (length, CRC, sequence) is
 * {@link io.cairn.wal.WalRecordDescriptor}. Integers little-endian; {@code ks} is a keyspace id (u32); byte strings are
 * a u32 length then the bytes; names are a u16 length then UTF-8; expiry is epoch milliseconds (i64, 0 = none).
 *
 * <pre>
 *  type  name              fields after the type byte
 *     1  PUT               ks, expireAt, key, value
 *     2  DELETE            ks, key
 *     3  EXPIRE            ks, expireAt, key          (expireAt 0 removes the expiry)
 *     4  CLEAR             ks
 *     5  TIME              millis (i64): the records after it happened at or after this instant (point-in-time restore)
 *     6  COLLECTION        ks, op (u16), a (i64), b (i64), key, count (u32), count byte strings: one change to a
 *                          hash, list, set or sorted set (op codes and arguments: CollectionOps)
 *     7  VALUE             ks, type (u8: 1 hash, 2 list, 3 set, 4 sorted set), expireAt, key, compact encoding
 *                          (a whole collection value: docs/file-formats.md)
 *    10  CREATE_KEYSPACE   ks, kind (u8: 0 HASH, 1 ORDERED), name
 *    11  DROP_KEYSPACE     ks
 *    12  RENAME_KEYSPACE   ks, name
 *    13  COPY_KEYSPACE     source ks, new ks, kind, name
 *    14  CONVERT_KEYSPACE  ks, kind
 *    15  SWAP_KEYSPACES    ks a, ks b                 (exchanges their entries, expiries and index kinds)
 *    20  BATCH             count (u32), then count mutations, each a type byte and its fields (no nested BATCH)
 * </pre>
 */
final class MutationDescriptor {
    static final byte PUT = 1;
    static final byte DELETE = 2;
    static final byte EXPIRE = 3;
    static final byte CLEAR = 4;
    static final byte TIME = 5;
    static final byte COLLECTION = 6;
    static final byte VALUE = 7;
    static final byte CREATE_KEYSPACE = 10;
    static final byte DROP_KEYSPACE = 11;
    static final byte RENAME_KEYSPACE = 12;
    static final byte COPY_KEYSPACE = 13;
    static final byte CONVERT_KEYSPACE = 14;
    static final byte SWAP_KEYSPACES = 15;
    static final byte BATCH = 20;

    private MutationDescriptor() {
    }

    /** The exact encoded size of {@code m}. */
    static long size(Mutation m) {
        if (m instanceof Mutation.Put p) return 1 + 4 + 8 + 4 + (long) p.key().length + 4 + p.value().length;
        if (m instanceof Mutation.Delete d) return 1 + 4 + 4 + (long) d.key().length;
        if (m instanceof Mutation.Expire e) return 1 + 4 + 8 + 4 + (long) e.key().length;
        if (m instanceof Mutation.Collection c) {
            long n = 1 + 4 + 2 + 8 + 8 + 4 + (long) c.key().length + 4;
            for (byte[] x : c.items()) n += 4 + x.length;
            return n;
        }
        if (m instanceof Mutation.Value v) return 1 + 4 + 1 + 8 + 4 + (long) v.key().length + 4 + v.encoding().length;
        if (m instanceof Mutation.Clear) return 1 + 4;
        if (m instanceof Mutation.Tick) return 1 + 8;
        if (m instanceof Mutation.CreateKeyspace c) return 1 + 4 + 1 + 2 + utf8(c.name()).length;
        if (m instanceof Mutation.DropKeyspace) return 1 + 4;
        if (m instanceof Mutation.RenameKeyspace r) return 1 + 4 + 2 + utf8(r.name()).length;
        if (m instanceof Mutation.CopyKeyspace c) return 1 + 4 + 4 + 1 + 2 + utf8(c.name()).length;
        if (m instanceof Mutation.ConvertKeyspace) return 1 + 4 + 1;
        if (m instanceof Mutation.SwapKeyspaces) return 1 + 4 + 4;
        if (m instanceof Mutation.Batch b) {
            long n = 1 + 4;
            for (Mutation x : b.mutations()) n += size(x);
            return n;
        }
        throw new IllegalArgumentException("unknown mutation " + m);
    }

    static void encode(Mutation m, ByteBuffer b) {
        if (m instanceof Mutation.Put p) {
            b.put(PUT).putInt(p.keyspace()).putLong(p.expireAt());
            bytes(b, p.key());
            bytes(b, p.value());
        } else if (m instanceof Mutation.Delete d) {
            b.put(DELETE).putInt(d.keyspace());
            bytes(b, d.key());
        } else if (m instanceof Mutation.Expire e) {
            b.put(EXPIRE).putInt(e.keyspace()).putLong(e.expireAt());
            bytes(b, e.key());
        } else if (m instanceof Mutation.Collection c) {
            b.put(COLLECTION).putInt(c.keyspace()).putShort((short) c.op()).putLong(c.a()).putLong(c.b());
            bytes(b, c.key());
            b.putInt(c.items().length);
            for (byte[] x : c.items()) bytes(b, x);
        } else if (m instanceof Mutation.Value v) {
            b.put(VALUE).putInt(v.keyspace()).put((byte) v.type()).putLong(v.expireAt());
            bytes(b, v.key());
            bytes(b, v.encoding());
        } else if (m instanceof Mutation.Clear c) {
            b.put(CLEAR).putInt(c.keyspace());
        } else if (m instanceof Mutation.Tick t) {
            b.put(TIME).putLong(t.millis());
        } else if (m instanceof Mutation.CreateKeyspace c) {
            b.put(CREATE_KEYSPACE).putInt(c.id()).put(kind(c.kind()));
            name(b, c.name());
        } else if (m instanceof Mutation.DropKeyspace d) {
            b.put(DROP_KEYSPACE).putInt(d.id());
        } else if (m instanceof Mutation.RenameKeyspace r) {
            b.put(RENAME_KEYSPACE).putInt(r.id());
            name(b, r.name());
        } else if (m instanceof Mutation.CopyKeyspace c) {
            b.put(COPY_KEYSPACE).putInt(c.source()).putInt(c.id()).put(kind(c.kind()));
            name(b, c.name());
        } else if (m instanceof Mutation.ConvertKeyspace c) {
            b.put(CONVERT_KEYSPACE).putInt(c.id()).put(kind(c.kind()));
        } else if (m instanceof Mutation.SwapKeyspaces w) {
            b.put(SWAP_KEYSPACES).putInt(w.a()).putInt(w.b());
        } else if (m instanceof Mutation.Batch batch) {
            b.put(BATCH).putInt(batch.mutations().size());
            for (Mutation x : batch.mutations()) encode(x, b);
        } else {
            throw new IllegalArgumentException("unknown mutation " + m);
        }
    }

    /** Decodes one mutation; throws {@link IllegalArgumentException} on a payload that does not parse. */
    static Mutation decode(ByteBuffer b) {
        Mutation m = decodeOne(b, true);
        if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " bytes after the mutation");
        return m;
    }

    private static Mutation decodeOne(ByteBuffer b, boolean batchAllowed) {
        byte type = b.get();
        switch (type) {
            case PUT: {
                int ks = b.getInt();
                long at = b.getLong();
                byte[] key = bytes(b);
                return new Mutation.Put(ks, key, bytes(b), at);
            }
            case DELETE: {
                int ks = b.getInt();
                return new Mutation.Delete(ks, bytes(b));
            }
            case EXPIRE: {
                int ks = b.getInt();
                long at = b.getLong();
                return new Mutation.Expire(ks, bytes(b), at);
            }
            case CLEAR:
                return new Mutation.Clear(b.getInt());
            case COLLECTION: {
                int ks = b.getInt();
                int op = Short.toUnsignedInt(b.getShort());
                long x = b.getLong();
                long y = b.getLong();
                byte[] key = bytes(b);
                int n = b.getInt();
                if (n < 0 || n > b.remaining() / 4) throw new IllegalArgumentException("collection change of " + n + " items");
                byte[][] items = new byte[n][];
                for (int i = 0; i < n; i++) items[i] = bytes(b);
                return new Mutation.Collection(ks, key, op, x, y, items);
            }
            case VALUE: {
                int ks = b.getInt();
                int t = b.get();
                if (t < 1 || t > 4) throw new IllegalArgumentException("unknown value type " + t);
                long at = b.getLong();
                byte[] key = bytes(b);
                byte[] enc = bytes(b);
                if (!io.cairn.collection.Compact.valid(t, enc, 0, enc.length)) throw new IllegalArgumentException("malformed value encoding");
                return new Mutation.Value(ks, key, t, enc, at);
            }
            case TIME:
                if (!batchAllowed) throw new IllegalArgumentException("TIME inside a batch");
                return new Mutation.Tick(b.getLong());
            case CREATE_KEYSPACE: {
                int id = b.getInt();
                IndexKind kind = kind(b.get());
                return new Mutation.CreateKeyspace(id, name(b), kind);
            }
            default:
                return decodeRest(type, b, batchAllowed);
        }
    }

    private static Mutation decodeRest(byte type, ByteBuffer b, boolean batchAllowed) {
        switch (type) {
            case DROP_KEYSPACE:
                return new Mutation.DropKeyspace(b.getInt());
            case RENAME_KEYSPACE: {
                int id = b.getInt();
                return new Mutation.RenameKeyspace(id, name(b));
            }
            case COPY_KEYSPACE: {
                int src = b.getInt();
                int id = b.getInt();
                IndexKind kind = kind(b.get());
                return new Mutation.CopyKeyspace(src, id, name(b), kind);
            }
            case CONVERT_KEYSPACE: {
                int id = b.getInt();
                return new Mutation.ConvertKeyspace(id, kind(b.get()));
            }
            case SWAP_KEYSPACES: {
                int a = b.getInt();
                return new Mutation.SwapKeyspaces(a, b.getInt());
            }
            case BATCH: {
                if (!batchAllowed) throw new IllegalArgumentException("nested batch");
                int n = b.getInt();
                if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("batch of " + n + " mutations");
                List<Mutation> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) list.add(decodeOne(b, false));
                return new Mutation.Batch(list);
            }
            default:
                throw new IllegalArgumentException("unknown mutation type " + type);
        }
    }

    private static void bytes(ByteBuffer b, byte[] v) {
        b.putInt(v.length).put(v);
    }

    private static byte[] bytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("byte string of " + n + " bytes");
        byte[] v = new byte[n];
        b.get(v);
        return v;
    }

    private static void name(ByteBuffer b, String name) {
        byte[] u = utf8(name);
        b.putShort((short) u.length).put(u);
    }

    private static String name(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        byte[] u = new byte[n];
        b.get(u);
        return new String(u, StandardCharsets.UTF_8);
    }

    private static byte kind(IndexKind k) {
        return (byte) k.ordinal();
    }

    private static IndexKind kind(byte k) {
        if (k < 0 || k >= IndexKind.values().length) throw new IllegalArgumentException("unknown index kind " + k);
        return IndexKind.values()[k];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
