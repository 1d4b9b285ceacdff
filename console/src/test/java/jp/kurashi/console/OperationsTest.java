package jp.kurashi.console;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The routes and the document cannot drift: a handler needs its operation, and every operation a handler. */
@ExtendWith(VertxExtension.class)
@DisplayName("Operations")
class OperationsTest {

  private static ApiContract contract;

  @BeforeAll
  static void load(Vertx vertx) throws Exception {
    contract = ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("refuses a handler for an operationId openapi.yaml does not have")
  void unknownOperation(Vertx vertx) {
    assertThatThrownBy(() -> new Operations(vertx, contract).on("teleport", ctx -> ctx.end()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("teleport");
  }

  @Test
  @DisplayName("builds no router while an operation has no handler, and names the ones missing")
  void unboundOperation(Vertx vertx) {
    Operations operations = new Operations(vertx, contract);
    contract.openApi().operations().stream().map(op -> op.getOperationId()).filter(id -> !id.equals("meta"))
        .forEach(id -> operations.on(id, ctx -> ctx.end()));
    assertThatThrownBy(operations::router).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[meta]");
    operations.on("meta", ctx -> ctx.end());
    assertThat(operations.router()).isNotNull();
  }
}
