package jp.kurashi.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@DisplayName("What a desk's year of consultations asks of the gateway at its busiest hour")
class DeskSizingTest {

  @Test
  @DisplayName("the FY2023 desk: 638 × 50 messages, busiest day ×10, a quarter of it in one hour")
  void fy2023() {
    DeskSizing desk = DeskSizing.FY2023;
    assertThat(desk.messagesPerYear()).isEqualTo(31_900);
    assertThat(desk.averagePerDay()).isCloseTo(87.4, within(0.1));
    assertThat(desk.peakPerHour()).isCloseTo(218.5, within(0.1));
    assertThat(desk.peakPerSecond()).isCloseTo(0.0607, within(0.0001));
    assertThat(desk.headroom(432)).isCloseTo(7_118, within(1.0));
    assertThat(desk.describe(432)).contains("31900 messages/year").contains("0.061/s").contains("7,118 times");
  }

  @Test
  @DisplayName("no messages is no load, and infinite headroom")
  void empty() {
    assertThat(new DeskSizing(0, 50, 1, 1).headroom(100)).isInfinite();
  }

  @Test
  @DisplayName("refuses a busiest hour above the whole day, or a busiest day below the average")
  void nonsense() {
    assertThatThrownBy(() -> new DeskSizing(638, 50, 10, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeskSizing(638, 50, 0.5, 0.25)).isInstanceOf(IllegalArgumentException.class);
  }
}
