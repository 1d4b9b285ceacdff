package jp.kurashi.bench;

import jp.kurashi.testkit.crash.CrashReport;
import jp.kurashi.testkit.crash.CrashRun;
import jp.kurashi.testkit.crash.CrashSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;

/**
 * The long form of CrashIT: {@code crash [kills] [seconds] [seed] [jar]}, traffic for about
 * {@code seconds} with {@code kills} SIGKILLs spread over it; exits 1 when anything was lost or duplicated.
 */
final class CrashBenchmark {

  private CrashBenchmark() {
  }

  static void run(String[] args) throws Exception {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 240;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 12L;
    Path jar = Path.of(args.length > 3 ? args[3] : "gateway/target/gateway.jar");
    Path dir = Files.createTempDirectory("kurashi-crash");
    CrashSettings settings = CrashSettings.shortForm(jar, dir).withKills(kills).withSeed(seed)
        .withBetween(Duration.ofSeconds(Math.max(2, seconds / (kills + 1))));
    System.out.printf("crash test: %d kills, about %d s of traffic, seed %d, %d cores, %s; work dir %s%n", kills,
        seconds, seed, Runtime.getRuntime().availableProcessors(), ZonedDateTime.now(), dir);
    CrashReport report = CrashRun.run(settings, line -> System.out.println("  " + line));
    System.out.println();
    System.out.print(report.table());
    if (!report.problems().isEmpty()) {
      System.out.println();
      report.problems().forEach(p -> System.out.println("FAILED: " + p));
      System.exit(1);
    }
    System.out.println("\nlost 0, duplicated 0, every queued reply delivered once");
  }
}
