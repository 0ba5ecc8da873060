package io.cairn.server;

import org.assertj.core.api.ThrowableAssert;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raw commands and reply decoding for the command-family tests. */
final class RedisAsserts {
    private RedisAsserts() {
    }

    /** Sends a command as given (String or byte[] arguments) and returns the reply decoded by {@link #decode}. */
    static Object cmd(Jedis j, Object... args) {
        byte[][] raw = new byte[args.length][];
        for (int i = 0; i < args.length; i++) raw[i] = bytes(args[i]);
        ProtocolCommand name = () -> raw[0];
        byte[][] rest = new byte[raw.length - 1][];
        System.arraycopy(raw, 1, rest, 0, rest.length);
        return decode(j.sendCommand(name, rest));
    }

    /** The raw reply: bulk strings stay byte[]. */
    static Object raw(Jedis j, Object... args) {
        byte[][] raw = new byte[args.length][];
        for (int i = 0; i < args.length; i++) raw[i] = bytes(args[i]);
        ProtocolCommand name = () -> raw[0];
        byte[][] rest = new byte[raw.length - 1][];
        System.arraycopy(raw, 1, rest, 0, rest.length);
        return j.sendCommand(name, rest);
    }

    static byte[] bytes(Object o) {
        if (o instanceof byte[] b) return b;
        return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
    }

    /** byte[] to String (UTF-8), lists element by element; Longs and nulls as they are. */
    static Object decode(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object e : l) out.add(decode(e));
            return out;
        }
        return o;
    }

    /** Asserts the command fails with exactly {@code error} (code included, no leading '-'). */
    static void assertError(Jedis j, String error, Object... args) {
        ThrowableAssert.ThrowingCallable call = () -> cmd(j, args);
        assertThatThrownBy(call).isInstanceOf(JedisDataException.class).hasMessage(error);
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
    static void await(Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                assertThat(condition.getAsBoolean()).as("condition within " + timeout).isTrue();
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
