package jp.kurashi.console;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations open to the operator (法人本部) are exactly these: marking another one {@code x-operator} in
 * {@code openapi.yaml} (a case, the queue, an export) fails here and must be argued for.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("openapi.yaml's operations open to the operator")
class OperatorOperationsTest {

  @Test
  @DisplayName("are its session, the reference lists, the offices' overview and the reports, nothing more")
  void onlyCountsAndReports(Vertx vertx) throws Exception {
    ApiContract contract = ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(contract.openApi().operations().stream()
        .filter(op -> op.getOpenAPIModel().getBoolean("x-operator", false)).map(Operation::getOperationId))
        .containsExactlyInAnyOrder("session", "logout", "changePassword", "totpSetup", "totpEnable", "meta",
            "categories", "officesOverview", "monthlyReport", "monthlyReportCsv");
  }
}
