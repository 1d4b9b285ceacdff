package jp.kurashi.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
  @DisplayName("connectors do not depend on each other")
  void connectorsIndependent() {
    java.util.List<String> channels = java.util.List.of("webchat", "line", "mail");
    for (String channel : channels) {
      String[] others = channels.stream().filter(c -> !c.equals(channel))
          .map(c -> "jp.kurashi.connectors." + c + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("jp.kurashi.connectors." + channel + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  @Test
  @DisplayName("SQL lives only in the store package: nothing else uses the SQL client's query API")
  void sqlOnlyInStore() {
    noClasses().that().resideOutsideOfPackage("jp.kurashi.core.store..")
        .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                com.tngtech.archunit.base.DescribedPredicate.describe("a SQL client",
                    c -> c.getPackageName().startsWith("io.vertx.sqlclient")))))
        .check(classes);
  }
}
