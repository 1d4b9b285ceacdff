package jp.kurashi.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged gateway.jar run as its own process, so its heap is measured apart from the load generator. */
final class GatewayProcess implements AutoCloseable {

  private final Process process;
  final int port;

  private GatewayProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static GatewayProcess start(Path jar, Path dataDir, String maxHeap, Map<String, String> env) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap));
    // BENCH_GATEWAY_JAVA_OPTS: extra JVM options for the gateway only (a flight recording, a class-data archive),
    // so the launch under test can be the operators' documented one, not only the plain `java -jar`.
    String extra = System.getenv("BENCH_GATEWAY_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
      System.out.println("gateway JVM options: " + extra.trim());
    }
    command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("gateway.log").toFile());
    pb.environment().putAll(env);
    pb.environment().put("HTTP_PORT", String.valueOf(port));
    pb.environment().put("DATA_DIR", dataDir.toString());
    pb.environment().put("LOG_LEVEL", "WARN");
    pb.environment().put("GATEWAY_ADMIN_PASSWORD", "bench-password-123");
    GatewayProcess gateway = new GatewayProcess(pb.start(), port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (gateway.get("/health").statusCode() != 200) {
      if (System.nanoTime() > deadline || !gateway.process.isAlive()) {
        throw new IllegalStateException("gateway did not start; see " + dataDir.resolve("gateway.log"));
      }
      Thread.sleep(250);
    }
    return gateway;
  }

  HttpResponse<String> get(String path) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException | InterruptedException e) {
      return new FailedResponse();
    }
  }

  /** A metric's value from /metrics. */
  long metric(String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(get("/metrics").body());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The gateway's own ack-latency histogram for {@code channel} (web chat, LINE), as it stands now. */
  AckHistogram ackHistogram(String channel) {
    return AckHistogram.parse(get("/metrics").body(), channel);
  }

  /** CPU seconds the gateway's JVM has used so far (user and system), from {@code /proc}. */
  double cpuSeconds() {
    return ProcessCpu.seconds(process.pid());
  }

  /** CPU seconds the gateway's threads have used so far, by kind of thread (JIT, GC, event loops...). */
  Map<String, Double> threadCpu() {
    return ThreadCpu.byKind(process.pid());
  }

  /** Asks the gateway's JVM for a full GC, so the heap figure is live data, not garbage. */
  void fullGc() throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    new ProcessBuilder(jcmd, String.valueOf(process.pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(15, TimeUnit.SECONDS);
  }

  private static final class FailedResponse implements HttpResponse<String> {
    public int statusCode() {
      return -1;
    }

    public HttpRequest request() {
      return null;
    }

    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    public String body() {
      return "";
    }

    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }

    public URI uri() {
      return null;
    }

    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
