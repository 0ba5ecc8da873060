package io.cairn.wal;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;

/**
 * Releases a segment's mapping as soon as the log is done with it, instead of whenever the collector finds the buffer
 * (a log that rolls often would otherwise pile up mappings). Uses {@code sun.misc.Unsafe.invokeCleaner} from the JDK's
 * {@code jdk.unsupported} module, as Lucene and Netty do; where that is unavailable the mapping is left to the collector.
 *
 * <p>The caller guarantees that nothing touches the buffer afterwards: only the log's writer, under the store's write
 * lock, ever reads or writes a mapping.
 */
final class Unmapper {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method m = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            m = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            m = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = m;
    }

    private Unmapper() {
    }

    static void unmap(MappedByteBuffer buffer) {
        if (buffer == null || INVOKE_CLEANER == null) return;
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left to the collector
        }
    }
}
