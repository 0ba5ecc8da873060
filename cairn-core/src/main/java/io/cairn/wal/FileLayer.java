package io.cairn.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every file operation the log makes, behind one seam, so that tests can inject a full disk, a failing fsync or a
 * torn write without touching the log's code. {@link #DEFAULT} is the real file system.
 */
public interface FileLayer {
    /** Opens a file channel. */
    FileChannel open(Path file, OpenOption... options) throws IOException;

    /** Renames {@code from} to {@code to} atomically, replacing {@code to}. */
    void move(Path from, Path to) throws IOException;

    /** Deletes a file if it exists. */
    void delete(Path file) throws IOException;

    /** Makes a directory's entries (created, renamed, deleted files) durable. */
    void syncDirectory(Path dir) throws IOException;

    /** The real file system. */
    FileLayer DEFAULT = new FileLayer() {
        @Override
        public FileChannel open(Path file, OpenOption... options) throws IOException {
            return FileChannel.open(file, options);
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    };
}
