package jp.kurashi.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The scale-out benchmark's check that every acknowledged message was stored once")
class DeliveryCheckTest {

  @Test
  @DisplayName("matches web chat rows by the client id after the chat's reference, LINE rows by the event id")
  void everythingStored() {
    DeliveryCheck check = DeliveryCheck.of(Set.of("webchat:m1", "webchat:m2", "line:bench-7"), List.of(
        new DeliveryCheck.StoredRow("webchat", "c-ab12/m1", 1),
        new DeliveryCheck.StoredRow("webchat", "c-cd34/m2", 1),
        new DeliveryCheck.StoredRow("line", "bench-7", 1),
        // Stored but never acknowledged (the load generator gave up waiting): not lost, not counted.
        new DeliveryCheck.StoredRow("line", "bench-8", 1)));
    assertThat(check).isEqualTo(new DeliveryCheck(3, 3, 0, 0));
    assertThat(check.clean()).isTrue();
  }

  @Test
  @DisplayName("counts an acknowledged message without a row as lost, and a second row for one id as a duplicate")
  void lostAndDuplicated() {
    DeliveryCheck check = DeliveryCheck.of(Set.of("webchat:m1", "line:bench-7", "line:bench-9"), List.of(
        new DeliveryCheck.StoredRow("webchat", "c-ab12/m1", 2),
        new DeliveryCheck.StoredRow("line", "bench-7", 1)));
    assertThat(check).isEqualTo(new DeliveryCheck(3, 2, 1, 1));
    assertThat(check.clean()).isFalse();
  }

  @Test
  @DisplayName("does not take one channel's id for another's")
  void channelsApart() {
    DeliveryCheck check = DeliveryCheck.of(Set.of("line:m1"), List.of(new DeliveryCheck.StoredRow("webchat", "c/m1", 1)));
    assertThat(check.lost()).isEqualTo(1);
  }
}
