package jp.kurashi.console;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.Accommodation;
import jp.kurashi.core.domain.Milestone;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.domain.StaffRoutes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract's lists are the ones the core stores and counts: a value added on one side only fails here. */
@ExtendWith(VertxExtension.class)
@DisplayName("openapi.yaml's lists")
class ContractEnumsTest {

  private static ContractEnums enums;
  private static io.vertx.core.json.JsonObject raw;

  @BeforeAll
  static void load(Vertx vertx) throws Exception {
    ApiContract contract = ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    enums = contract.enums();
    raw = new io.vertx.core.json.JsonObject(new org.yaml.snakeyaml.Yaml().<java.util.Map<String, Object>>load(
        ContractEnumsTest.class.getClassLoader().getResourceAsStream("openapi.yaml")));
  }

  @Test
  @DisplayName("are the core's lists, in the same order")
  void sameAsCore() {
    assertThat(enums.of("StaffRoute")).isEqualTo(StaffRoutes.ROUTES);
    assertThat(enums.of("Consulter")).isEqualTo(StaffRoutes.CONSULTERS);
    assertThat(enums.of("ReferralSource")).isEqualTo(StaffRoutes.REFERRAL_SOURCES);
    assertThat(enums.of("ContactKind")).isEqualTo(StaffRoutes.CONTACT_KINDS);
    assertThat(enums.of("MilestoneKind")).isEqualTo(Milestone.KINDS);
    assertThat(enums.of("Need")).isEqualTo(Accommodation.NEEDS_ORDER);
    // No channel module is on the console's own classpath: the lists hold the desk's own ways only.
    assertThat(enums.of("ComplaintChannel")).containsExactly("phone", "walk_in", "letter", "other");
    assertThat(enums.of("ContactMeans")).containsExactlyInAnyOrderElementsOf(
        java.util.stream.Stream.concat(java.util.stream.Stream.of(""), Accommodation.OTHER_CONTACT_MEANS.keySet().stream()).toList());
    assertThat(enums.of("Role")).containsExactlyInAnyOrderElementsOf(Arrays.stream(Role.values()).map(Role::code).toList());
  }

  @Test
  @DisplayName("take every installed channel's code where the document marks it, once")
  void channelsInserted() {
    ContractEnums with = ContractEnums.of(ApiContract.withChannels(raw, List.of("webchat", "line", "mail", "sms")));
    assertThat(with.of("ComplaintChannel")).containsExactly("phone", "walk_in", "webchat", "line", "mail", "sms", "letter", "other");
    // "sms" is already one of the desk's own contact means: not twice.
    assertThat(with.of("ContactMeans")).containsExactly("", "webchat", "line", "mail", "phone", "sms", "fax", "letter", "visit");
    assertThat(with.of("Urgency")).isEqualTo(enums.of("Urgency"));
  }

  @Test
  @DisplayName("give the report its columns and the console its menus")
  void reportAndMeta() {
    assertThat(enums.of("Urgency")).containsExactly("crisis", "urgent", "normal");
    assertThat(enums.json().getJsonArray("Outcome")).hasSize(5);
    assertThat(enums.json().fieldNames()).contains("CaseStatus", "HandoffKind", "Outcome", "Urgency");
  }
}
