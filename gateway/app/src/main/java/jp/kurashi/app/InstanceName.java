package jp.kurashi.app;

import jp.kurashi.app.embedded.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This gateway's name among the instances on one database, kept in {@code DATA_DIR/instance-id}: stable across
 * restarts, so an instance killed while holding a job's lease takes the job straight back when it starts again
 * instead of waiting for the lease to run out. Two instances never share a {@code DATA_DIR} (its lock sees to it).
 */
final class InstanceName {

  static final String FILE = "instance-id";

  private InstanceName() {
  }

  /** Reads the name, or makes one on first start. Blocking: file system. */
  static String of(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      String name = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (name.matches("[A-Za-z0-9-]{8,64}")) {
        return name;
      }
    }
    PrivateFiles.privateDirectory(dataDir);
    String name = UUID.randomUUID().toString();
    Path fresh = Files.createTempFile(dataDir, FILE, ".new");
    Files.writeString(fresh, name + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(fresh, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(fresh);
    }
    return name;
  }
}
