package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.TxnList;
import io.cairn.TxnSortedSet;
import io.cairn.ValueType;
import io.cairn.collection.ListDeque;
import io.cairn.collection.ListValue;
import io.cairn.collection.ZSetIndex;
import io.cairn.collection.ZSetValue;
import io.cairn.server.pubsub.PubSub;
import io.cairn.server.resp.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * List commands (LPUSH ... LMPOP), the blocking list pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) and the blocking
 * sorted-set pops (BZPOPMIN, BZPOPMAX, BZMPOP), with Redis 7's semantics, replies and error texts.
 *
 * <p>Each command is one atomic block: what it reads and what it writes are consistent, its writes are one log record,
 * and a read-only one logs nothing. Elements are copied out of the block (by reference: stored arrays are never
 * changed) and the reply written after it. Blocking commands try once at once and otherwise wait in {@link Blocking};
 * each pop that serves a waiter later is an atomic block (and a log record) of its own.
 *
 * <p>Writes send Redis 7's keyspace events ({@link KeyEvents}; class l, z for the sorted-set pops), in Redis's order,
 * from the same code whether a blocking pop is served at once or later: {@code lpush}/{@code rpush} once per command,
 * {@code lpop}/{@code rpop}, {@code linsert}, {@code lset}, {@code lrem}, {@code ltrim} (whenever the list exists, as
 * Redis sends it), {@code zpopmin}/{@code zpopmax}; {@code del} after a pop or removal that emptied the key, {@code new}
 * before a push that created it. A move (LMOVE, RPOPLPUSH, BLMOVE, BRPOPLPUSH) sends the push on the destination, then
 * the pop on the source, then the source's {@code del}: the order Redis's code sends them in (its documentation says
 * the pop comes first).
 */
final class ListCommands {
    private ListCommands() {
    }

    static void register(CommandTable t) {
        t.add(list("lpush", -3, "write denyoom fast", "Prepends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0")
                .run((c, a) -> push(c, a, true, false)));
        t.add(list("rpush", -3, "write denyoom fast", "Appends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0")
                .run((c, a) -> push(c, a, false, false)));
        t.add(list("lpushx", -3, "write denyoom fast", "Prepends one or more elements to a list only when the list exists.", "2.2.0")
                .run((c, a) -> push(c, a, true, true)));
        t.add(list("rpushx", -3, "write denyoom fast", "Appends an element to a list only when the list exists.", "2.2.0")
                .run((c, a) -> push(c, a, false, true)));
        t.add(list("lpop", -2, "write fast", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", "1.0.0")
                .run((c, a) -> pop(c, a, true)));
        t.add(list("rpop", -2, "write fast", "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", "1.0.0")
                .run((c, a) -> pop(c, a, false)));
        t.add(list("lrange", 4, "readonly", "Returns a range of elements from a list.", "1.0.0").run(ListCommands::lrange));
        t.add(list("lindex", 3, "readonly", "Returns an element from a list by its index.", "1.0.0").run(ListCommands::lindex));
        t.add(list("lset", 4, "write denyoom", "Sets the value of an element in a list by its index.", "1.0.0").run(ListCommands::lset));
        t.add(list("linsert", 5, "write denyoom", "Inserts an element before or after another element in a list.", "2.2.0")
                .run(ListCommands::linsert));
        t.add(list("lrem", 4, "write", "Removes elements from a list. Deletes the list if the last element was removed.", "1.0.0")
                .run(ListCommands::lrem));
        t.add(list("ltrim", 4, "write", "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", "1.0.0")
                .run(ListCommands::ltrim));
        t.add(list("llen", 2, "readonly fast", "Returns the length of a list.", "1.0.0").run(ListCommands::llen));
        t.add(list("lpos", -3, "readonly", "Returns the index of matching elements in a list.", "6.0.6").run(ListCommands::lpos));
        t.add(Command.of("lmove", 5, "write denyoom").keys(1, 2, 1).group("list")
                .doc("Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", "6.2.0")
                .run((c, a) -> lmove(c, a[1], a[2], end(a[3]), end(a[4]))));
        t.add(Command.of("rpoplpush", 3, "write denyoom").keys(1, 2, 1).group("list")
                .doc("Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", "1.2.0")
                .run((c, a) -> lmove(c, a[1], a[2], false, true)));
        t.add(Command.of("lmpop", -4, "write").keys(0, 0, 0).group("list")
                .doc("Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", "7.0.0")
                .run((c, a) -> lmpop(c, a, 1, false, 0)));

        t.add(Command.of("blpop", -3, "write noscript blocking").keys(1, -2, 1).group("list")
                .doc("Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "2.0.0")
                .run((c, a) -> bpop(c, a, true)));
        t.add(Command.of("brpop", -3, "write noscript blocking").keys(1, -2, 1).group("list")
                .doc("Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "2.0.0")
                .run((c, a) -> bpop(c, a, false)));
        t.add(Command.of("blmove", 6, "write denyoom noscript blocking").keys(1, 2, 1).group("list")
                .doc("Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", "6.2.0")
                .run((c, a) -> {
                    boolean from = end(a[3]);
                    boolean to = end(a[4]);
                    blmove(c, a[1], a[2], from, to, Blocking.timeoutMillis(a[5]));
                }));
        t.add(Command.of("brpoplpush", 4, "write denyoom noscript blocking").keys(1, 2, 1).group("list")
                .doc("Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", "2.2.0")
                .run((c, a) -> blmove(c, a[1], a[2], false, true, Blocking.timeoutMillis(a[3]))));
        t.add(Command.of("blmpop", -5, "write blocking").keys(0, 0, 0).group("list")
                .doc("Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "7.0.0")
                .run((c, a) -> {
                    long timeout = Blocking.timeoutMillis(a[1]);
                    lmpop(c, a, 2, true, timeout);
                }));
        t.add(Command.of("bzpopmin", -3, "write noscript blocking fast").keys(1, -2, 1).group("sorted-set")
                .doc("Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "5.0.0")
                .run((c, a) -> bzpop(c, a, true)));
        t.add(Command.of("bzpopmax", -3, "write noscript blocking fast").keys(1, -2, 1).group("sorted-set")
                .doc("Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.", "5.0.0")
                .run((c, a) -> bzpop(c, a, false)));
        t.add(Command.of("bzmpop", -5, "write blocking").keys(0, 0, 0).group("sorted-set")
                .doc("Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "7.0.0")
                .run(ListCommands::bzmpop));
    }

    private static Command.Builder list(String name, int arity, String flags, String summary, String since) {
        return Command.of(name, arity, flags).keys(1, 1, 1).group("list").doc(summary, since);
    }

    // ------------------------------------------------------------------ helpers

    /** LEFT (the head: true) or RIGHT (the tail: false), else a syntax error. */
    private static boolean end(byte[] a) {
        if (Args.is(a, "LEFT")) return true;
        if (Args.is(a, "RIGHT")) return false;
        throw Errors.syntax();
    }

    /** Redis's getRangeLongFromObjectOrReply with a message: {@code message} for a non-integer and out of range. */
    private static long ranged(byte[] a, long min, long max, String message) {
        Long v = Args.parseLong(a);
        if (v == null || v < min || v > max) throw Errors.error(message);
        return v;
    }

    /** The elements at {@code [from, to]} (inclusive, in range), copied by reference. */
    private static List<byte[]> slice(ListValue l, int from, int to, boolean reverse) {
        List<byte[]> out = new ArrayList<>(to - from + 1);
        int n = to - from + 1;
        l.items().forEach(reverse ? to : from, reverse, e -> {
            out.add(e);
            return out.size() < n;
        });
        return out;
    }

    private static void bulks(Reply r, List<byte[]> items) {
        r.array(items.size());
        for (byte[] e : items) r.bulk(e);
    }

    // ------------------------------------------------------------------ push / pop

    private static void push(Client c, byte[][] a, boolean head, boolean onlyIfExists) {
        Keyspace ks = c.keyspace();
        byte[][] elements = Arrays.copyOfRange(a, 2, a.length);
        boolean[] created = new boolean[1];
        int size = c.writer().atomically(tx -> {
            TxnList l = tx.list(ks, a[1]);
            created[0] = !l.exists();
            if (onlyIfExists && created[0]) return 0;
            l.push(head, elements);
            return l.size();
        });
        if (size > 0) KeyEvents.written(c, PubSub.LIST, head ? "lpush" : "rpush", a[1], created[0]);
        c.reply().integer(size);
    }

    private static void pop(Client c, byte[][] a, boolean head) {
        if (a.length > 3) throw Errors.arity(head ? "lpop" : "rpop");
        boolean counted = a.length == 3;
        long count = counted ? ranged(a[2], 0, Long.MAX_VALUE, "ERR value is out of range, must be positive") : 1;
        Keyspace ks = c.keyspace();
        boolean[] deleted = new boolean[1];
        List<byte[]> popped = c.writer().atomically(tx -> {
            TxnList l = tx.list(ks, a[1]);
            if (!l.exists()) return null;
            List<byte[]> out = l.pop(head, count);
            deleted[0] = !l.exists();
            return out;
        });
        if (popped != null && !popped.isEmpty()) popped(c, a[1], head, deleted[0]);
        Reply r = c.reply();
        if (popped == null) {
            if (counted) r.nullArray();
            else r.nullBulk();
        } else if (counted) {
            bulks(r, popped);
        } else {
            r.bulk(popped.get(0));
        }
    }

    // ------------------------------------------------------------------ reads

    private static void lrange(Client c, byte[][] a) {
        long start = Args.toLong(a[2]);
        long stop = Args.toLong(a[3]);
        Keyspace ks = c.keyspace();
        List<byte[]> items = c.writer().atomically(tx -> {
            ListValue l = tx.list(ks, a[1]).value();
            if (l == null) return List.<byte[]>of();
            long n = l.size();
            long from = start < 0 ? Math.max(0, n + start) : start;
            long to = stop < 0 ? n + stop : Math.min(stop, n - 1);
            if (from > to || from >= n) return List.<byte[]>of();
            return slice(l, (int) from, (int) to, false);
        });
        bulks(c.reply(), items);
    }

    private static void lindex(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] e = c.writer().atomically(tx -> {
            ListValue l = tx.list(ks, a[1]).value();
            if (l == null) return null;
            long i = Args.toLong(a[2]);
            if (i < 0) i += l.size();
            return i < 0 || i >= l.size() ? null : l.get((int) i);
        });
        c.reply().bulk(e);
    }

    private static void llen(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        c.reply().integer(c.writer().atomically(tx -> tx.list(ks, a[1]).size()));
    }

    private static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
            + "second ... or use negative to start from the end of the list";

    private static void lpos(Client c, byte[][] a) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < a.length; j++) {
            boolean more = j + 1 < a.length;
            if (Args.is(a[j], "RANK") && more) {
                rank = Args.toLong(a[++j]);
                if (rank == Long.MIN_VALUE) {
                    throw Errors.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                }
                if (rank == 0) throw Errors.error(RANK_ZERO);
            } else if (Args.is(a[j], "COUNT") && more) {
                count = ranged(a[++j], 0, Long.MAX_VALUE, "ERR COUNT can't be negative");
            } else if (Args.is(a[j], "MAXLEN") && more) {
                maxlen = ranged(a[++j], 0, Long.MAX_VALUE, "ERR MAXLEN can't be negative");
            } else {
                throw Errors.syntax();
            }
        }
        boolean reverse = rank < 0;
        long skip = Math.abs(rank) - 1;
        long want = count == 0 ? Long.MAX_VALUE : Math.max(count, 1);
        long limit = maxlen == 0 ? Long.MAX_VALUE : maxlen;
        Keyspace ks = c.keyspace();
        byte[] element = a[2];
        List<Long> found = c.writer().atomically(tx -> {
            ListValue l = tx.list(ks, a[1]).value();
            if (l == null) return null;
            List<Long> out = new ArrayList<>();
            int n = l.size();
            long[] state = {0, 0}; // elements looked at, matches seen
            l.items().forEach(reverse ? n - 1 : 0, reverse, e -> {
                long index = state[0]++;
                if (Arrays.equals(e, element) && state[1]++ >= skip) out.add(reverse ? n - 1 - index : index);
                return out.size() < want && state[0] < limit;
            });
            return out;
        });
        Reply r = c.reply();
        if (count >= 0) {
            r.array(found == null ? 0 : found.size());
            if (found != null) for (long i : found) r.integer(i);
        } else if (found == null || found.isEmpty()) {
            r.nullBulk();
        } else {
            r.integer(found.get(0));
        }
    }

    // ------------------------------------------------------------------ changes in place

    private static void lset(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        c.writer().atomically(tx -> {
            TxnList l = tx.list(ks, a[1]);
            if (!l.exists()) throw Errors.error(Errors.NO_SUCH_KEY);
            long i = Args.toLong(a[2]);
            if (i < 0) i += l.size();
            if (i < 0 || i >= l.size()) throw Errors.error("ERR index out of range");
            l.set((int) i, a[3]);
            return null;
        });
        KeyEvents.fire(c, PubSub.LIST, "lset", a[1]);
        c.reply().ok();
    }

    private static void linsert(Client c, byte[][] a) {
        boolean after;
        if (Args.is(a[2], "AFTER")) after = true;
        else if (Args.is(a[2], "BEFORE")) after = false;
        else throw Errors.syntax();
        Keyspace ks = c.keyspace();
        int r = c.writer().atomically(tx -> {
            TxnList l = tx.list(ks, a[1]);
            ListValue v = l.value();
            if (v == null) return 0;
            int[] at = {-1};
            int[] i = {0};
            v.items().forEach(0, false, e -> {
                if (Arrays.equals(e, a[3])) {
                    at[0] = i[0];
                    return false;
                }
                i[0]++;
                return true;
            });
            if (at[0] < 0) return -1;
            l.insert(after ? at[0] + 1 : at[0], a[4]);
            return l.size();
        });
        if (r > 0) KeyEvents.fire(c, PubSub.LIST, "linsert", a[1]);
        c.reply().integer(r);
    }

    private static void lrem(Client c, byte[][] a) {
        long n = Args.toLong(a[2]);
        long count = n == Long.MIN_VALUE ? -Long.MAX_VALUE : n; // the same, and its absolute value fits
        Keyspace ks = c.keyspace();
        boolean[] deleted = new boolean[1];
        int removed = c.writer().atomically(tx -> {
            TxnList l = tx.list(ks, a[1]);
            int r = l.removeOccurrences(count, a[3]);
            deleted[0] = r > 0 && !l.exists();
            return r;
        });
        if (removed > 0) KeyEvents.removed(c, PubSub.LIST, "lrem", a[1], deleted[0]);
        c.reply().integer(removed);
    }

    private static void ltrim(Client c, byte[][] a) {
        long start = Args.toLong(a[2]);
        long stop = Args.toLong(a[3]);
        Keyspace ks = c.keyspace();
        // null: no list, nothing done; else whether the trim emptied and deleted it
        Boolean deleted = c.writer().atomically(tx -> {
            TxnList l = tx.list(ks, a[1]);
            if (!l.exists()) return null;
            long n = l.size();
            long from = start < 0 ? Math.max(0, n + start) : start;
            long to = stop < 0 ? n + stop : stop;
            if (from > to || from >= n) {
                l.trim(1, 0); // nothing kept
                return true;
            }
            l.trim(from, Math.min(to, n - 1));
            return false;
        });
        // Redis sends ltrim whenever the list exists, even when the range keeps every element
        if (deleted != null) KeyEvents.removed(c, PubSub.LIST, "ltrim", a[1], deleted);
        c.reply().ok();
    }

    // ------------------------------------------------------------------ moves and multi-key pops

    /** What a move did: the element moved, whether the push created the destination and the pop emptied the source. */
    private record Moved(byte[] element, boolean created, boolean deleted) {
    }

    /**
     * The element moved, or null if {@code src} is empty; WRONGTYPE for either key before anything changes. Sends the
     * move's events.
     */
    private static byte[] move(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead) {
        Keyspace ks = c.keyspace();
        Moved m = c.writer().atomically(tx -> {
            TxnList from = tx.list(ks, src);
            if (!from.exists()) return null;
            TxnList to = tx.list(ks, dst);
            if (from == to) return new Moved(rotate(tx, ks, src, from.value(), fromHead, toHead), false, false);
            boolean created = !to.exists();
            byte[] e = from.pop(fromHead, 1).get(0);
            to.push(toHead, e);
            return new Moved(e, created, !from.exists());
        });
        if (m == null) return null;
        // Redis's lmoveGenericCommand: the push (lmoveHandlePush) is notified before the pop, a rotation included
        KeyEvents.written(c, PubSub.LIST, toHead ? "lpush" : "rpush", dst, m.created());
        popped(c, src, fromHead, m.deleted());
        return m.element();
    }

    /** The events of a pop from {@code key}'s head or tail: lpop or rpop, then del if it emptied the list. */
    private static void popped(Client c, byte[] key, boolean head, boolean deleted) {
        KeyEvents.removed(c, PubSub.LIST, head ? "lpop" : "rpop", key, deleted);
    }

    /**
     * LMOVE of a list onto itself: a pop and a push of the same list in one record (replay applies both: the store
     * decides once per record what a snapshot already holds). Moving an element back where it was changes nothing.
     */
    private static byte[] rotate(io.cairn.Txn tx, Keyspace ks, byte[] key, ListValue l, boolean fromHead, boolean toHead) {
        byte[] e = l.get(fromHead ? 0 : l.size() - 1);
        if (fromHead == toHead || l.size() == 1) return e; // back where it was
        TxnList list = tx.list(ks, key);
        list.pop(fromHead, 1);
        list.push(toHead, e);
        return e;
    }

    private static void lmove(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead) {
        c.reply().bulk(move(c, src, dst, fromHead, toHead));
    }

    /** LMPOP's and BZMPOP's arguments from {@code numkeysAt} on: the keys, the end (LEFT/MIN: true) and the count. */
    private record MultiPop(List<byte[]> keys, boolean first, long count) {
    }

    private static MultiPop multiPop(byte[][] a, int numkeysAt, String firstWord, String lastWord) {
        long numkeys = ranged(a[numkeysAt], 1, Long.MAX_VALUE, "ERR numkeys should be greater than 0");
        if (numkeys >= a.length - numkeysAt - 1) throw Errors.syntax();
        int whereAt = numkeysAt + (int) numkeys + 1;
        boolean first;
        if (Args.is(a[whereAt], firstWord)) first = true;
        else if (Args.is(a[whereAt], lastWord)) first = false;
        else throw Errors.syntax();
        long count = -1;
        for (int j = whereAt + 1; j < a.length; j++) {
            if (count == -1 && Args.is(a[j], "COUNT") && j + 1 < a.length) {
                count = ranged(a[++j], 1, Long.MAX_VALUE, "ERR count should be greater than 0");
            } else {
                throw Errors.syntax();
            }
        }
        List<byte[]> keys = new ArrayList<>(Arrays.asList(a).subList(numkeysAt + 1, whereAt));
        return new MultiPop(keys, first, count == -1 ? 1 : count);
    }

    private static void lmpop(Client c, byte[][] a, int numkeysAt, boolean blocking, long timeout) {
        MultiPop m = multiPop(a, numkeysAt, "LEFT", "RIGHT");
        Keyspace ks = c.keyspace();
        Blocking.Attempt attempt = () -> {
            Object[] popped = c.writer().atomically(tx -> {
                for (byte[] k : m.keys()) {
                    TxnList l = tx.list(ks, k);
                    if (l.exists()) {
                        List<byte[]> items = l.pop(m.first(), m.count());
                        return new Object[]{k, items, !l.exists()};
                    }
                }
                return null;
            });
            if (popped == null) return null;
            popped(c, (byte[]) popped[0], m.first(), (Boolean) popped[2]);
            return () -> {
                @SuppressWarnings("unchecked") List<byte[]> items = (List<byte[]>) popped[1];
                Reply r = c.reply();
                r.array(2);
                r.bulk((byte[]) popped[0]);
                bulks(r, items);
            };
        };
        Runnable none = () -> c.reply().nullArray();
        if (!blocking) {
            Runnable now = attempt.tryNow();
            (now != null ? now : none).run();
            return;
        }
        Blocking.of(c.server()).serveOrBlock(c, m.keys(), ValueType.LIST, timeout, attempt, none);
    }

    // ------------------------------------------------------------------ blocking list pops

    private static void bpop(Client c, byte[][] a, boolean head) {
        long timeout = Blocking.timeoutMillis(a[a.length - 1]);
        List<byte[]> keys = Arrays.asList(a).subList(1, a.length - 1);
        Keyspace ks = c.keyspace();
        Blocking.Attempt attempt = () -> {
            boolean[] deleted = new boolean[1];
            byte[][] popped = c.writer().atomically(tx -> {
                for (byte[] k : keys) {
                    TxnList l = tx.list(ks, k);
                    if (l.exists()) {
                        byte[] e = l.pop(head, 1).get(0);
                        deleted[0] = !l.exists();
                        return new byte[][]{k, e};
                    }
                }
                return null;
            });
            if (popped == null) return null;
            popped(c, popped[0], head, deleted[0]);
            return () -> {
                c.reply().array(2);
                c.reply().bulk(popped[0]);
                c.reply().bulk(popped[1]);
            };
        };
        Blocking.of(c.server()).serveOrBlock(c, keys, ValueType.LIST, timeout, attempt, () -> c.reply().nullArray());
    }

    private static void blmove(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead, long timeout) {
        Keyspace ks = c.keyspace();
        Blocking blocking = Blocking.of(c.server());
        Blocking.Attempt attempt = () -> {
            byte[] e = move(c, src, dst, fromHead, toHead);
            if (e == null) return null;
            blocking.signal(ks, dst); // served from a wait, no command's end signals the push
            return () -> c.reply().bulk(e);
        };
        blocking.serveOrBlock(c, List.of(src), ValueType.LIST, timeout, attempt, () -> c.reply().nullBulk());
    }

    // ------------------------------------------------------------------ blocking sorted-set pops

    /** The events of a pop from sorted set {@code key}: zpopmin or zpopmax, then del if it emptied the set. */
    private static void zpopped(Client c, byte[] key, boolean min, boolean deleted) {
        KeyEvents.removed(c, PubSub.ZSET, min ? "zpopmin" : "zpopmax", key, deleted);
    }

    /** Removes up to {@code count} members from the low ({@code min}) or high end; null if the set is absent. */
    private static List<Object[]> zpop(TxnSortedSet z, boolean min, long count) {
        ZSetValue v = z.value();
        if (v == null) return null;
        ZSetIndex index = v.index();
        int n = (int) Math.min(count, index.size());
        List<Object[]> out = new ArrayList<>(n);
        byte[][] members = new byte[n][];
        for (int i = 0; i < n; i++) {
            long rank = min ? i : index.size() - 1L - i;
            members[i] = index.memberAt(rank);
            out.add(new Object[]{members[i], index.scoreAt(rank)});
        }
        z.remove(members);
        return out;
    }

    private static void bzpop(Client c, byte[][] a, boolean min) {
        long timeout = Blocking.timeoutMillis(a[a.length - 1]);
        List<byte[]> keys = Arrays.asList(a).subList(1, a.length - 1);
        Keyspace ks = c.keyspace();
        Blocking.Attempt attempt = () -> {
            Object[] popped = c.writer().atomically(tx -> {
                for (byte[] k : keys) {
                    TxnSortedSet z = tx.sortedSet(ks, k);
                    List<Object[]> p = zpop(z, min, 1);
                    if (p != null) return new Object[]{k, p.get(0)[0], p.get(0)[1], !z.exists()};
                }
                return null;
            });
            if (popped == null) return null;
            zpopped(c, (byte[]) popped[0], min, (Boolean) popped[3]);
            return () -> {
                Reply r = c.reply();
                r.array(3);
                r.bulk((byte[]) popped[0]);
                r.bulk((byte[]) popped[1]);
                r.doubleValue((Double) popped[2]);
            };
        };
        Blocking.of(c.server()).serveOrBlock(c, keys, ValueType.SORTED_SET, timeout, attempt, () -> c.reply().nullArray());
    }

    private static void bzmpop(Client c, byte[][] a) {
        long timeout = Blocking.timeoutMillis(a[1]);
        MultiPop m = multiPop(a, 2, "MIN", "MAX");
        Keyspace ks = c.keyspace();
        Blocking.Attempt attempt = () -> {
            Object[] popped = c.writer().atomically(tx -> {
                for (byte[] k : m.keys()) {
                    TxnSortedSet z = tx.sortedSet(ks, k);
                    List<Object[]> p = zpop(z, m.first(), m.count());
                    if (p != null) return new Object[]{k, p, !z.exists()};
                }
                return null;
            });
            if (popped == null) return null;
            zpopped(c, (byte[]) popped[0], m.first(), (Boolean) popped[2]);
            return () -> {
                @SuppressWarnings("unchecked") List<Object[]> items = (List<Object[]>) popped[1];
                Reply r = c.reply();
                r.array(2);
                r.bulk((byte[]) popped[0]);
                r.array(items.size());
                for (Object[] ms : items) {
                    r.array(2);
                    r.bulk((byte[]) ms[0]);
                    r.doubleValue((Double) ms[1]);
                }
            };
        };
        Blocking.of(c.server()).serveOrBlock(c, m.keys(), ValueType.SORTED_SET, timeout, attempt, () -> c.reply().nullArray());
    }
}
