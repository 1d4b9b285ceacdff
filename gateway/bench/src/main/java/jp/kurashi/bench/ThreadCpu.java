package jp.kurashi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU seconds a process's threads have used, summed by kind (the thread's name without its digits: "C2
 * CompilerThread", "GC Thread#", "vert.x-eventloop-thread-"), from Linux's {@code /proc/PID/task}; empty
 * elsewhere. Tells the JIT's and the collector's share apart from the request threads'.
 */
final class ThreadCpu {

  private static final double TICKS_PER_SECOND = 100;

  private ThreadCpu() {
  }

  /** Seconds used so far by each kind of thread alive now. */
  static Map<String, Double> byKind(long pid) {
    Map<String, Double> kinds = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String line = Files.readString(task.resolve("stat"));
          String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
          String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
          double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
          kinds.merge(name.replaceAll("[0-9]+$", ""), seconds, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return kinds;
  }

  /** {@code after - before} per kind, largest first, as one line ("kind 1.2 s, ..."), kinds under 0.1 s left out. */
  static String difference(Map<String, Double> before, Map<String, Double> after) {
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() >= 0.1)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
