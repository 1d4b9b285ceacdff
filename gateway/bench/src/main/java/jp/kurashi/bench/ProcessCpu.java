package jp.kurashi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds (user and system) one process has used, read from Linux's {@code /proc/PID/stat}; 0 elsewhere. */
final class ProcessCpu {

  private static final double TICKS_PER_SECOND = 100;

  private ProcessCpu() {
  }

  static double seconds(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
