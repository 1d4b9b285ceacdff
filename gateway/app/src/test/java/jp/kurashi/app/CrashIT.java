package jp.kurashi.app;

import jp.kurashi.testkit.crash.CrashReport;
import jp.kurashi.testkit.crash.CrashRun;
import jp.kurashi.testkit.crash.CrashSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short crash test (issue 12): the long form is {@code java -jar gateway/bench/target/bench.jar crash}.
 * {@code -Dcrash.fault=no-resend} or {@code ack-on-write} breaks the web chat client on purpose: the run must fail.
 */
@DisplayName("The packaged gateway, SIGKILLed five times under web chat, LINE and mail traffic")
class CrashIT {

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES) // six starts of the JVM and the embedded server: 40 s each on a busy 2-core machine
  @DisplayName("stores every acknowledged message exactly once and delivers every queued reply exactly once")
  void survivesKills(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedPrograms(workDir.resolve("data"));
    CrashReport report = CrashRun.run(CrashSettings.shortForm(GatewayProcess.JAR, workDir),
        line -> System.out.println("[crash] " + line));
    System.out.println(report.table());

    assertThat(report.kills()).isGreaterThanOrEqualTo(5);
    assertThat(report.fsync()).isEqualTo("on");
    assertThat(report.synchronousCommit()).isEqualTo("on");
    assertThat(report.problems()).as(report.table()).isEmpty();
  }
}
