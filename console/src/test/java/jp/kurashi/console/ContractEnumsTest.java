package jp.kurashi.console;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.Accommodation;
import jp.kurashi.core.domain.Complaint;
import jp.kurashi.core.domain.Milestone;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.domain.StaffRoutes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract's lists are the ones the core stores and counts: a value added on one side only fails here. */
@ExtendWith(VertxExtension.class)
@DisplayName("openapi.yaml's lists")
class ContractEnumsTest {

  private static ContractEnums enums;

  @BeforeAll
  static void load(Vertx vertx) throws Exception {
    enums = ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).enums();
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
    assertThat(enums.of("ComplaintChannel")).containsExactlyInAnyOrderElementsOf(Complaint.CHANNELS);
    assertThat(enums.of("ContactMeans")).containsExactlyInAnyOrderElementsOf(
        java.util.stream.Stream.concat(java.util.stream.Stream.of(""), Accommodation.CONTACT_MEANS.keySet().stream()).toList());
    assertThat(enums.of("Role")).containsExactlyInAnyOrderElementsOf(Arrays.stream(Role.values()).map(Role::code).toList());
  }

  @Test
  @DisplayName("give the report its columns and the console its menus")
  void reportAndMeta() {
    assertThat(enums.of("Urgency")).containsExactly("crisis", "urgent", "normal");
    assertThat(enums.json().getJsonArray("Outcome")).hasSize(5);
    assertThat(enums.json().fieldNames()).contains("CaseStatus", "HandoffKind", "Outcome", "Urgency");
  }
}
