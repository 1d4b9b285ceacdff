package jp.kurashi.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmark jar: {@code java -jar bench.jar inbound|webchat|line|triage|crash|scaleout [arguments]}.
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "inbound";
    String[] rest = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[0];
    switch (which) {
      case "inbound" -> InboundBenchmark.run(rest);
      case "webchat" -> WebchatBenchmark.run(rest);
      case "line" -> LineWebhookBenchmark.run(rest);
      case "triage" -> TriageBenchmark.run(rest);
      case "crash" -> CrashBenchmark.run(rest);
      case "scaleout" -> ScaleoutBenchmark.run(rest);
      default -> {
        System.err.println("unknown benchmark: " + which + " (known: inbound, webchat, line, triage, crash, scaleout)");
        System.exit(2);
      }
    }
  }
}
