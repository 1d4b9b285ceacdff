package jp.kurashi.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * Everything the gateway writes to its logs in production at the default {@code LOG_LEVEL=INFO}:
 * logback events under the shipped {@code logback.xml} (not the tests' quieter one), records of
 * libraries that log through java.util.logging (Jakarta Mail), and whatever reaches stdout or stderr
 * (Jakarta Mail's {@code mail.debug} prints there). {@link #close()} puts the test logging back.
 */
final class ProductionLogs implements AutoCloseable {

  /** The production configuration as shipped, read from the source tree so no other logback.xml can shadow it. */
  private static final Path PRODUCTION_CONFIG = Path.of("src/main/resources/logback.xml");

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Queue<String> lines = new ConcurrentLinkedQueue<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream out = System.out;
  private final PrintStream err = System.err;
  private final Handler jul = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (isLoggable(record)) {
        lines.add("jul " + record.getLoggerName() + " " + record.getLevel() + " " + getFormatter().format(record));
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  private ProductionLogs() throws JoranException, java.net.MalformedURLException {
    if (!Files.isRegularFile(PRODUCTION_CONFIG)) {
      throw new IllegalStateException("run from gateway/app: " + PRODUCTION_CONFIG.toAbsolutePath() + " not found");
    }
    context.reset();
    // Pinned so a LOG_LEVEL or LOG_FORMAT in the environment running the tests cannot change what is checked.
    context.putProperty("LOG_LEVEL", "INFO");
    context.putProperty("LOG_FORMAT", "text");
    configure(PRODUCTION_CONFIG.toUri().toURL());
    // GreenMail is the test's mail server, not part of the gateway; at INFO it logs the addresses it sees.
    context.getLogger("com.icegreen").setLevel(ch.qos.logback.classic.Level.WARN);
    Capture capture = new Capture();
    capture.setContext(context);
    capture.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(capture);

    jul.setLevel(Level.INFO);
    jul.setFormatter(new SimpleFormatter());
    java.util.logging.Logger.getLogger("").addHandler(jul);

    // Passed through, so a failing test still shows its log.
    System.setOut(new PrintStream(new Tee(out), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(err), true, StandardCharsets.UTF_8));
  }

  static ProductionLogs capture() {
    try {
      return new ProductionLogs();
    } catch (JoranException | java.net.MalformedURLException e) {
      throw new IllegalStateException("production logback.xml not loaded", e);
    }
  }

  /** Every captured event and console line so far, one string each. */
  List<String> lines() {
    List<String> all = new ArrayList<>(lines);
    synchronized (console) {
      all.addAll(List.of(console.toString(StandardCharsets.UTF_8).split("\\R")));
    }
    return all;
  }

  @Override
  public void close() {
    System.setOut(out);
    System.setErr(err);
    java.util.logging.Logger.getLogger("").removeHandler(jul);
    context.reset();
    try {
      configure(ProductionLogs.class.getResource("/logback-test.xml"));
    } catch (JoranException e) {
      throw new IllegalStateException("test logback configuration not restored", e);
    }
  }

  private void configure(java.net.URL config) throws JoranException {
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(config);
  }

  /** Renders each event as any encoder could print it: message, key-value pairs, MDC and the throwable. */
  private final class Capture extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      StringBuilder line = new StringBuilder()
          .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
      if (event.getKeyValuePairs() != null) {
        event.getKeyValuePairs().forEach(kv -> line.append(' ').append(kv.key).append('=').append(kv.value));
      }
      event.getMDCPropertyMap().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      if (event.getThrowableProxy() != null) {
        line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      lines.add(line.toString());
    }
  }

  /** Writes to the real stream and to the capture. */
  private final class Tee extends OutputStream {
    private final OutputStream real;

    Tee(OutputStream real) {
      this.real = real;
    }

    @Override
    public void write(int b) {
      synchronized (console) {
        console.write(b);
      }
      try {
        real.write(b);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (console) {
        console.write(b, off, len);
      }
      try {
        real.write(b, off, len);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      real.flush();
    }
  }
}
