package jp.kurashi.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The scale-out benchmark's CPU split of a phase")
class ScaleoutPhaseTest {

  @Test
  @DisplayName("the database's share is its CPU over the CPU of every part the run measured")
  void databaseShare() {
    ScaleoutBenchmark.Phase phase = new ScaleoutBenchmark.Phase(100, 2, 20, 100, 3, 30, 20, 0.8, 0.6, 0.05, 0.15);
    assertThat(phase.cpuTotal()).isCloseTo(1.6, within(1e-9));
    assertThat(phase.databaseShare()).isCloseTo(0.375, within(1e-9));
  }

  @Test
  @DisplayName("CPU per message: the cores a phase used over the messages it acknowledged, in milliseconds")
  void perMessage() {
    ScaleoutBenchmark.Phase phase = new ScaleoutBenchmark.Phase(100, 2, 20, 100, 3, 30, 20, 0.8, 0.6, 0.05, 0.15);
    assertThat(phase.eventsPerSecond()).isEqualTo(200);
    assertThat(phase.cpuMsPerEvent(phase.cpuTotal())).isCloseTo(8.0, within(1e-9));
    assertThat(phase.cpuMsPerEvent(phase.databaseCpu())).isCloseTo(3.0, within(1e-9));
    assertThat(new ScaleoutBenchmark.Phase(0, 0, 0, 0, 0, 0, 1, 0.1, 0, 0, 0).cpuMsPerEvent(0.1)).isNaN();
  }

  @Test
  @DisplayName("a phase that measured no CPU has no share rather than a division by zero")
  void nothingMeasured() {
    assertThat(new ScaleoutBenchmark.Phase(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0).databaseShare()).isZero();
  }
}
