package jp.kurashi.app;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.Channels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The layout cannot rot silently: dependencies point from the edges to core, and only the app wires. */
@DisplayName("Architecture")
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("jp.kurashi");
  }

  @Test
  @DisplayName("core depends on no connector, console or app")
  void coreStandsAlone() {
    noClasses().that().resideInAPackage("jp.kurashi.core..")
        .should().dependOnClassesThat().resideInAnyPackage("jp.kurashi.connectors..", "jp.kurashi.console..",
            "jp.kurashi.app..")
        .check(classes);
  }

  @Test
  @DisplayName("connectors and the console never depend on the app")
  void onlyAppWires() {
    noClasses().that().resideInAnyPackage("jp.kurashi.connectors..", "jp.kurashi.console..")
        .should().dependOnClassesThat().resideInAPackage("jp.kurashi.app..")
        .check(classes);
  }

  @Test
  @DisplayName("the console never depends on a connector: channel names reach it through core's registry")
  void consoleWithoutConnectors() {
    noClasses().that().resideInAPackage("jp.kurashi.console..")
        .should().dependOnClassesThat().resideInAPackage("jp.kurashi.connectors..")
        .check(classes);
  }

  /** Core packages a channel may use: the plug-in contract and what it hands a channel. */
  private static final Set<String> CHANNEL_API = Set.of("channel", "config", "domain", "pipeline", "bus", "lease",
      "limits", "metrics", "office", "outbox", "security").stream().map(p -> "jp.kurashi.core." + p)
      .collect(java.util.stream.Collectors.toSet());
  /** The store API: core's stores a channel may call (its own store lives in its module). */
  private static final Set<String> STORE_API = Set.of("ContactStore", "ContactInfo", "MessageStore",
      "DatabaseFailures").stream().map(c -> "jp.kurashi.core.store." + c).collect(java.util.stream.Collectors.toSet());

  @Test
  @DisplayName("connectors use only core's channel API and store API")
  void connectorsUseChannelApi() {
    noClasses().that().resideInAPackage("jp.kurashi.connectors..")
        .should().dependOnClassesThat(DescribedPredicate.describe("core outside the channel and store API",
            (JavaClass c) -> {
              String top = c.getName().replaceAll("\\$.*", "");
              return top.startsWith("jp.kurashi.core.") && !CHANNEL_API.contains(c.getPackageName())
                  && !STORE_API.contains(top);
            }))
        .check(classes);
  }

  @Test
  @DisplayName("every installed channel is a connector module, and connectors do not depend on each other")
  void connectorsIndependent() {
    List<String> packages = Channels.installed().stream().map(c -> c.getClass().getPackageName()).toList();
    assertThat(packages).isNotEmpty().allMatch(p -> p.startsWith("jp.kurashi.connectors."));
    for (String own : packages) {
      String[] others = packages.stream().filter(p -> !p.equals(own)).map(p -> p + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage(own + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .check(classes);
    }
  }

  @Test
  @DisplayName("SQL lives only in stores: core's store package and each channel's own *Store")
  void sqlOnlyInStore() {
    noClasses().that().resideOutsideOfPackage("jp.kurashi.core.store..")
        .and(DescribedPredicate.not(DescribedPredicate.describe("a channel's own store",
            (JavaClass c) -> c.getPackageName().startsWith("jp.kurashi.connectors.")
                && c.getName().replaceAll("\\$.*", "").endsWith("Store"))))
        .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                DescribedPredicate.describe("a SQL client",
                    c -> c.getPackageName().startsWith("io.vertx.sqlclient")))))
        .check(classes);
  }

  @Test
  @DisplayName("no code of core, console or app and no core migration names a channel's table: a channel brings its own")
  void channelTablesStayInTheirChannel() throws Exception {
    Map<String, String> owners = new TreeMap<>();
    for (Channel channel : Channels.installed()) {
      for (String sql : texts(channel.getClass(), channel.migrations().replace("classpath:", ""), ".sql").values()) {
        Matcher created = CREATE_TABLE.matcher(sql);
        while (created.find()) {
          owners.put(created.group(1).toLowerCase(Locale.ROOT), channel.name());
        }
      }
    }
    assertThat(owners).as("tables the channels' migrations create").containsKeys("webchat_session", "mail_inbox",
        "mail_cursor", "webhook_dedupe");
    Map<String, String> outside = new TreeMap<>();
    for (Class<?> module : List.of(Channels.class, jp.kurashi.console.StaffApi.class, Gateway.class)) {
      outside.putAll(texts(module, "jp/kurashi", ".class"));
    }
    outside.putAll(texts(Channels.class, "db/migration", ".sql"));
    List<String> found = new java.util.ArrayList<>();
    outside.forEach((file, text) -> owners.forEach((table, channel) -> {
      if (Pattern.compile("(?<![A-Za-z0-9_])" + table + "(?![A-Za-z0-9_])").matcher(text).find()) {
        found.add(file + " names " + channel + "'s " + table);
      }
    }));
    assertThat(found).isEmpty();
  }

  private static final Pattern CREATE_TABLE =
      Pattern.compile("(?i)CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([A-Za-z_][A-Za-z0-9_]*)");

  /**
   * The files ending in {@code suffix} under {@code folder} of the classes folder or jar {@code module} was loaded
   * from, by path, read as text (a class file's string constants are in it as written).
   */
  private static Map<String, String> texts(Class<?> module, String folder, String suffix) throws Exception {
    java.net.URI root = module.getProtectionDomain().getCodeSource().getLocation().toURI();
    Map<String, String> texts = new TreeMap<>();
    if (Files.isDirectory(Path.of(root))) {
      read(Path.of(root).resolve(folder), suffix, texts);
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(Path.of(root))) {
        read(jar.getPath(folder), suffix, texts);
      }
    }
    return texts;
  }

  private static void read(Path folder, String suffix, Map<String, String> into) throws java.io.IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
        // ISO-8859-1 maps every byte to one character: SQL in a class file's constants reads as written.
        into.put(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  @DisplayName("the gateway carries no start-up state in mutable fields: each start-up step returns what the next needs")
  void gatewayFieldsAreFinal() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields().that().areDeclaredIn(Gateway.class)
        .should().beFinal().check(classes);
  }
}
