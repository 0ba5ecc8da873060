package io.cairn.example;

import io.cairn.Cairn;
import io.cairn.CloseableIterator;
import io.cairn.Entry;
import io.cairn.IndexKind;
import io.cairn.Keyspace;
import io.cairn.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's first command ({@code ./cairn demo [dir]}): opens a store, writes, closes, reopens and reads back what it
 * wrote, then shows what recovery found. Run it twice: the second run starts from what the first left.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "example-data").toAbsolutePath();
        System.out.println("Cairn store in " + dir);

        try (Cairn db = Cairn.open(dir)) {
            System.out.println("opened: " + db.recoveryInfo());
            long runs = db.increment("demo:runs", 1);
            db.put("user:1", "{\"first_name\":\"John\"}");
            db.put("session:1", "short-lived", Duration.ofMinutes(10));

            Keyspace cities = db.keyspace("cities", IndexKind.ORDERED);
            db.write(new WriteBatch()
                    .put(cities, bytes("fr:lyon"), bytes("Lyon"))
                    .put(cities, bytes("fr:paris"), bytes("Paris"))
                    .put(cities, bytes("it:rome"), bytes("Rome")));
            System.out.println("wrote user:1, session:1 (ttl 10 min), 3 cities in one batch; this is run " + runs);
        }

        try (Cairn db = Cairn.open(dir)) {
            System.out.println("reopened: " + db.recoveryInfo());
            System.out.println("user:1    = " + db.getString("user:1"));
            System.out.println("session:1 = " + db.getString("session:1") + " (ttl " + db.ttlMillis("session:1") / 1000 + " s)");
            System.out.println("demo:runs = " + db.getLong("demo:runs").orElse(0));
            System.out.print("cities with prefix fr: ");
            try (CloseableIterator<Entry> it = db.keyspace("cities").scanPrefix(bytes("fr:"))) {
                while (it.hasNext()) System.out.print(it.next().valueString() + " ");
            }
            System.out.println();
            System.out.println(db.stats());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
