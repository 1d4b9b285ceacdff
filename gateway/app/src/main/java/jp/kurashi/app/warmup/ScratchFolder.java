package jp.kurashi.app.warmup;

import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.app.embedded.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * {@code DATA_DIR/warmup}, the scratch gateway's folder: emptied before and after each warm-up, but for the unpacked
 * server programs, which would otherwise be unpacked again at every start.
 */
final class ScratchFolder {

  private static final String PROGRAMS = "pg-bin";

  private final Path dir;

  ScratchFolder(Path dir) {
    this.dir = dir;
  }

  Path path() {
    return dir;
  }

  /**
   * Stops a scratch server that a killed warm-up left running (without starting one), then deletes everything but
   * the programs, even when the server would not stop. Blocking.
   */
  void clear() throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      LocalPostgres.stopLeftOver(dir.resolve("pg"));
    } finally {
      try (var entries = Files.list(dir)) {
        for (Path entry : entries.filter(p -> !p.getFileName().toString().equals(PROGRAMS)).toList()) {
          PrivateFiles.deleteTree(entry);
        }
      }
    }
  }
}
