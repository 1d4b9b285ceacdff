package jp.kurashi.testkit.crash;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One crash run: the jar, where it keeps its data, how long clients write, how often the gateway is
 * killed, and how much traffic each channel carries.
 *
 * <pre>{@code
 * CrashReport report = CrashRun.run(CrashSettings.shortForm(jar, workDir));
 * }</pre>
 *
 * @param seed             seeds the kill moments and the traffic, so a failing run can be repeated
 * @param kills            SIGKILLs while clients are writing (at least 5 for the issue)
 * @param between          the gateway runs this long, on average, between a healthy start and its next kill
 * @param quiet            after the last restart: the longest wait for clients and outbox to drain
 * @param chatResidents    web chat sessions, each with its own socket
 * @param lineResidents    LINE users sending webhooks
 * @param mailResidents    addresses writing to the desk's mailbox
 * @param messagesPerSecond new resident messages per second, all channels together
 * @param fault            {@link Fault#NONE}, or a deliberate client fault that must make the run fail
 */
public record CrashSettings(Path jar, Path workDir, long seed, int kills, Duration between, Duration quiet,
                            int chatResidents, int lineResidents, int mailResidents, int messagesPerSecond,
                            Fault fault) {

  public CrashSettings {
    if (kills < 1 || chatResidents < 1 || lineResidents < 1 || mailResidents < 1 || messagesPerSecond < 1) {
      throw new IllegalArgumentException("every count must be at least 1");
    }
  }

  /** The {@code mvn verify} form: 5 kills about 6 s apart, about two minutes in all on two cores. */
  public static CrashSettings shortForm(Path jar, Path workDir) {
    // Quiet up to 100 s: a mail reply claimed at the last kill waits for its lease, 2 x (15 x 2 s + 5 s) = 70 s.
    return new CrashSettings(jar, workDir, 12L, 5, Duration.ofSeconds(6), Duration.ofSeconds(100),
        12, 8, 6, 12, Fault.fromProperty());
  }

  public CrashSettings withKills(int n) {
    return new CrashSettings(jar, workDir, seed, n, between, quiet, chatResidents, lineResidents, mailResidents,
        messagesPerSecond, fault);
  }

  public CrashSettings withBetween(Duration d) {
    return new CrashSettings(jar, workDir, seed, kills, d, quiet, chatResidents, lineResidents, mailResidents,
        messagesPerSecond, fault);
  }

  public CrashSettings withSeed(long s) {
    return new CrashSettings(jar, workDir, s, kills, between, quiet, chatResidents, lineResidents, mailResidents,
        messagesPerSecond, fault);
  }
}
