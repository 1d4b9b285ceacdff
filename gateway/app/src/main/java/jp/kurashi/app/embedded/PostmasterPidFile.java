package jp.kurashi.app.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code postmaster.pid} in a data directory says: which process serves it, on which port, and
 * whether that process is still the server of this directory or the file is left from a crash.
 *
 * @param pid      the postmaster's process id (first line)
 * @param dataDir  the data directory it serves (second line)
 * @param port     its TCP port (fourth line), when written
 * @param status   {@code ready}, {@code starting} or {@code stopping} (eighth line), when written
 */
public record PostmasterPidFile(long pid, Path dataDir, OptionalInt port, Optional<String> status) {

  public static final String NAME = "postmaster.pid";

  /** The pid file of {@code dataDir}, if there is a readable one. */
  public static Optional<PostmasterPidFile> read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(NAME);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Path dir = lines.size() > 1 ? Path.of(lines.get(1).trim()) : dataDir;
    OptionalInt port = OptionalInt.empty();
    if (lines.size() > 3) {
      try {
        port = OptionalInt.of(Integer.parseInt(lines.get(3).trim()));
      } catch (NumberFormatException ignored) {
        // written later in start-up; absent is fine
      }
    }
    Optional<String> status = lines.size() > 7 ? Optional.of(lines.get(7).trim()) : Optional.empty();
    return Optional.of(new PostmasterPidFile(pid, dir, port, status));
  }

  /**
   * True when the process named in the file is alive and is a postgres server of this very directory.
   * After a crash the pid may have been reused by an unrelated process, or by another PostgreSQL: neither
   * may be stopped, and neither keeps this directory busy.
   */
  public boolean ownerAlive(Path dataDir) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> servesDirectory(p, dataDir)).orElse(false);
  }

  private static boolean servesDirectory(ProcessHandle process, Path dataDir) {
    // /proc/<pid>/cmdline is readable for our own processes; ProcessHandle.Info may omit arguments.
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      List<String> args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
      if (args.isEmpty() || !Path.of(args.get(0)).getFileName().toString().equals("postgres")) {
        return false;
      }
      int d = args.indexOf("-D");
      return d >= 0 && d + 1 < args.size()
          && Path.of(args.get(d + 1)).toAbsolutePath().normalize().equals(dataDir.toAbsolutePath().normalize());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
