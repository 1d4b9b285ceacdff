package jp.kurashi.core.bus;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.RedisOptions;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Case events")
class CaseEventsTest {

  private static CaseEvent event(long caseId) {
    return new CaseEvent(CaseEvent.MESSAGE_RECEIVED, 1, caseId, 7, 10L, "webchat", Instant.parse("2026-04-01T00:00:00Z"));
  }

  @Nested
  @ExtendWith(VertxExtension.class)
  @DisplayName("in process")
  class InProcess {

    @Test
    @DisplayName("reach every subscriber until it cancels")
    void fanOut(Vertx vertx) {
      CaseEvents events = CaseEvents.inProcess(vertx);
      List<CaseEvent> a = new CopyOnWriteArrayList<>();
      List<CaseEvent> b = new CopyOnWriteArrayList<>();
      events.subscribe(a::add);
      CaseEvents.Subscription sb = events.subscribe(b::add);

      Await.result(events.publish(event(1)));
      Await.until(Duration.ofSeconds(5), "both got it", () -> a.size() == 1 && b.size() == 1);
      Await.result(sb.cancel());
      Await.result(events.publish(event(2)));
      Await.until(Duration.ofSeconds(5), "a got the second", () -> a.size() == 2);

      assertThat(a).containsExactly(event(1), event(2));
      assertThat(b).containsExactly(event(1));
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @DisplayName("through Redis")
  class ThroughRedis {

    private TestRedis redis;

    @BeforeAll
    void startRedis() {
      redis = TestRedis.start();
    }

    @AfterAll
    void stopRedis() {
      redis.close();
    }

    @Test
    @DisplayName("cross from one Vert.x instance to another")
    void crossInstances() {
      Vertx one = Vertx.vertx();
      Vertx two = Vertx.vertx();
      try {
        CaseEvents publisher = Await.result(CaseEvents.redis(one, new RedisOptions().setConnectionString(redis.url())));
        CaseEvents listener = Await.result(CaseEvents.redis(two, new RedisOptions().setConnectionString(redis.url())));
        List<CaseEvent> received = new CopyOnWriteArrayList<>();
        listener.subscribe(received::add);

        Await.result(publisher.publish(event(42)));

        Await.until(Duration.ofSeconds(10), "event on the other instance", () -> !received.isEmpty());
        assertThat(received).containsExactly(event(42));
        Await.result(listener.ping());
        Await.result(publisher.close());
        Await.result(listener.close());
      } finally {
        Await.result(one.close());
        Await.result(two.close());
      }
    }

    @Test
    @DisplayName("still reach this instance's listeners while Redis is down, and cross instances again when it is back")
    void localWhileRedisDown() {
      Vertx one = Vertx.vertx();
      Vertx two = Vertx.vertx();
      try {
        CaseEvents here = Await.result(CaseEvents.redis(one, new RedisOptions().setConnectionString(redis.url())));
        CaseEvents there = Await.result(CaseEvents.redis(two, new RedisOptions().setConnectionString(redis.url())));
        List<CaseEvent> local = new CopyOnWriteArrayList<>();
        List<CaseEvent> remote = new CopyOnWriteArrayList<>();
        here.subscribe(local::add);
        there.subscribe(remote::add);
        java.util.concurrent.atomic.AtomicInteger missedThere = new java.util.concurrent.atomic.AtomicInteger();
        there.onEventsMissed(missedThere::incrementAndGet);
        Await.result(here.publish(event(6)));
        Await.until(Duration.ofSeconds(10), "crossed", () -> remote.contains(event(6)));
        assertThat(missedThere.get()).as("nothing missed while Redis is up").isZero();

        redis.stop();
        assertThatThrownBy(() -> Await.result(here.publish(event(7)))).isNotNull();
        Await.until(Duration.ofSeconds(5), "delivered here without Redis", () -> local.contains(event(7)));

        redis.restart();
        Await.until(Duration.ofSeconds(20), "both subscribed again", () -> up(here) && up(there));
        Await.result(here.publish(event(8)));
        Await.until(Duration.ofSeconds(10), "crossed again", () -> remote.contains(event(8)) && local.contains(event(8)));
        assertThat(remote).doesNotContain(event(7));
        Await.until(Duration.ofSeconds(5), "told it may have missed events", () -> missedThere.get() >= 1);
        Await.result(here.close());
        Await.result(there.close());
      } finally {
        Await.result(one.close());
        Await.result(two.close());
      }
    }

    private boolean up(CaseEvents events) {
      try {
        Await.result(events.ping());
        return true;
      } catch (RuntimeException | AssertionError e) {
        return false;
      }
    }

    @Test
    @DisplayName("fail to connect when Redis is not there")
    void refusesWithoutServer() {
      Vertx vertx = Vertx.vertx();
      try {
        assertThatThrownBy(() -> Await.result(CaseEvents.redis(vertx,
            new RedisOptions().setConnectionString("redis://127.0.0.1:1"))))
            .isNotNull();
      } finally {
        Await.result(vertx.close());
      }
    }
  }
}
