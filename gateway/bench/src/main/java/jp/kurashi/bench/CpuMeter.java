package jp.kurashi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM, its finished child processes (pgbench) and a local PostgreSQL server with all its
 * backends, read from Linux's {@code /proc}. On a machine shared with other work, throughput says how much CPU a
 * run got; CPU per message says how much it needed, which is what two ways of storing can be compared by.
 *
 * @param postmaster the server's postmaster pid, or 0 when the server is not on this machine (or not Linux)
 */
record CpuMeter(long postmaster) {

  /** USER_HZ: the unit of the times in {@code /proc/PID/stat}; 100 on every Linux we run on. */
  private static final double TICKS_PER_SECOND = 100;

  /** A meter for the server whose backend {@code backendPid} is, if that process is on this machine. */
  static CpuMeter forBackend(long backendPid) {
    long[] stat = stat(backendPid);
    return new CpuMeter(stat == null ? 0 : stat[0]);
  }

  boolean serverMeasured() {
    return postmaster != 0;
  }

  /** This JVM's own CPU seconds, plus those of its children that have exited (pgbench). */
  static double client() {
    long[] self = stat(ProcessHandle.current().pid());
    return self == null ? 0 : (self[1] + self[2] + self[3] + self[4]) / TICKS_PER_SECOND;
  }

  /** The server's CPU seconds: postmaster, backends that exited, and those still running. */
  double server() {
    if (postmaster == 0) {
      return 0;
    }
    long[] main = stat(postmaster);
    if (main == null) {
      return 0;
    }
    long ticks = main[1] + main[2] + main[3] + main[4];
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)) {
          long[] s = stat(Long.parseLong(name));
          if (s != null && s[0] == postmaster) {
            ticks += s[1] + s[2];
          }
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** ppid, utime, stime, cutime, cstime of a process, or null when it cannot be read. */
  private static long[] stat(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // The command name is in parentheses and may hold spaces: count fields after the last ')'.
      String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
          Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
