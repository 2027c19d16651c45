package dev.mailgate.server.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes key files: owner-only permissions (0600 files, 0700 for directories it creates) from the
 * first byte, fully written and synced before they appear under their name, so a reader never
 * sees a half-written key and a crash never leaves one. On file systems without POSIX
 * permissions the files get the platform's defaults.
 */
final class KeyFiles {

  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private KeyFiles() {}

  /**
   * Writes {@code content} to {@code file} unless the file already exists; never replaces one.
   *
   * @return false if the file existed (perhaps written by a concurrent caller a moment ago)
   */
  static boolean createNew(Path file, String content) throws IOException {
    Path temporary = writeTemporary(file, content);
    try {
      publish(temporary, file);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Writes {@code content} to {@code file}, atomically replacing what was there. */
  static void replace(Path file, String content) throws IOException {
    Path temporary = writeTemporary(file, content);
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Whether {@code file} can be read or written by anyone but its owner (false where unknown). */
  static boolean accessibleToOthers(Path file) throws IOException {
    if (!posix(file)) {
      return false;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    return permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
  }

  /** Gives the written temporary file its name, failing if that name is taken. */
  private static void publish(Path temporary, Path file) throws IOException {
    try {
      Files.createLink(file, temporary); // atomic and never replaces: the first writer wins
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
      Files.move(temporary, file); // without REPLACE_EXISTING this fails if the file exists
    }
  }

  private static Path writeTemporary(Path file, String content) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(directory)) {
      if (posix(directory)) {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
      } else {
        Files.createDirectories(directory);
      }
    }
    String prefix = "." + file.getFileName() + ".";
    Path temporary = posix(directory)
        ? Files.createTempFile(directory, prefix, ".tmp", PosixFilePermissions.asFileAttribute(FILE))
        : Files.createTempFile(directory, prefix, ".tmp", new FileAttribute<?>[0]);
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    return temporary;
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
