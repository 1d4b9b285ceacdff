package jp.kurashi.app.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/** Folders only the gateway's user may enter and secrets only it may read (0700 and 0600). */
public final class PrivateFiles {

  private static final SecureRandom RANDOM = new SecureRandom();

  private PrivateFiles() {
  }

  /** Creates {@code dir} if needed and makes it 0700, so other local users cannot list or read it. */
  public static Path privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  /** The secret kept in {@code file}, if there is one. */
  public static Optional<String> readSecret(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
    return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
  }

  /**
   * Writes a new random secret to {@code file}, created 0600 before a byte is written so it is never
   * readable by others, even for a moment.
   */
  public static String newSecret(Path file) throws IOException {
    String secret = randomSecret();
    writeSecret(file, secret);
    return secret;
  }

  /** 32 random bytes as URL-safe Base64: a password nobody types, kept in a private file or nowhere. */
  public static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Writes {@code secret} to {@code file} (replacing it), created 0600 before a byte is written and moved
   * into place atomically, so no other user and no half-written file is ever seen.
   */
  public static void writeSecret(Path file, String secret) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(partial);
    try {
      Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another process is writing " + partial, e);
    }
    Files.writeString(partial, secret + "\n", StandardCharsets.UTF_8);
    Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Deletes {@code dir} (or a file) and everything under it, not following links; nothing when it does not exist. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
