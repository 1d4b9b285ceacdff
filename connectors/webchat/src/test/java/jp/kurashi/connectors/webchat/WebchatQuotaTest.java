package jp.kurashi.connectors.webchat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.RedisOptions;
import jp.kurashi.core.limits.Quota;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 5: per-address quotas on new chats, messages and images, counted in this process or shared by
 * every instance through Redis; X-Forwarded-For counts only from a trusted proxy.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Web chat quotas per address")
class WebchatQuotaTest {

  private static final byte[] PNG = Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  /** The limiters' clock stands still: no window can end during a test, whatever moment it runs at. */
  private static final Clock STILL = Clock.fixed(java.time.Instant.parse("2026-12-01T01:00:00Z"), java.time.ZoneOffset.UTC);

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private WebchatServer server(Vertx vertx, Function<Clock, WebchatQuotas> quotas) {
    WebchatServer server = new WebchatServer(vertx, s -> List.of(), quotas);
    opened.add(server);
    return server;
  }

  /** In-process quotas: {@code sessions} per hour, {@code messages} per minute, {@code uploads} per hour. */
  private static Function<Clock, WebchatQuotas> local(ClientAddress addresses, int sessions, int messages, int uploads) {
    return clock -> {
      RateLimits limits = RateLimits.inProcess(STILL);
      return new WebchatQuotas(addresses, limits.limiter("sessions", Quota.perHour(sessions)),
          limits.limiter("messages", Quota.perMinute(messages)), limits.limiter("uploads", Quota.perHour(uploads)));
    };
  }

  private static HttpResponse<Buffer> createSession(WebchatServer server, String forwardedFor) {
    var request = server.http().post(server.port(), "127.0.0.1", "/webchat/sessions");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return Await.result(request.send());
  }

  private static long count(WebchatServer server, String sql) {
    return Await.result(server.db.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  private static void refusedWith429(HttpResponse<Buffer> r, String code, long window) {
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(r.getHeader("Retry-After"))).isBetween(1L, window);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo(code);
    // Japanese first, then English.
    assertThat(body.getString("message")).matches("^[^A-Za-z]+ / .*[a-z].*");
    assertThat(body.getLong("retryAfter")).isEqualTo(Long.parseLong(r.getHeader("Retry-After")));
  }

  @Test
  @DisplayName("past the new-chat quota: 429 with Retry-After and a Japanese-first error; nothing stored")
  void sessions(Vertx vertx) {
    WebchatServer server = server(vertx, local(ClientAddress.direct(), 3, 100, 100));
    for (int i = 0; i < 3; i++) {
      assertThat(createSession(server, null).statusCode()).isEqualTo(201);
    }
    refusedWith429(createSession(server, null), "too_many_sessions", 3600);
    assertThat(count(server, "SELECT count(*) FROM webchat_session")).isEqualTo(3);
    assertThat(server.metrics.value("webchat_rate_limited_total", "limit", "sessions")).isEqualTo(1);
  }

  @Test
  @DisplayName("past the message quota, counted across every chat of the address: an error frame, no ack, nothing stored")
  void messages(Vertx vertx) {
    WebchatServer server = server(vertx, local(ClientAddress.direct(), 100, 3, 100));
    try (ChatClient first = server.consentedChat(server.newSession());
         ChatClient second = server.consentedChat(server.newSession())) {
      assertThat(first.message("a1", "一通目").getString("type")).isEqualTo("ack");
      assertThat(first.message("a2", "二通目").getString("type")).isEqualTo("ack");
      assertThat(second.message("b1", "三通目").getString("type")).isEqualTo("ack");

      JsonObject refused = second.message("b2", "四通目");
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("rate_limited");
      assertThat(refused.getString("clientId")).isEqualTo("b2");
      assertThat(refused.getLong("retryAfter")).isBetween(1L, 60L);
      assertThat(refused.getString("message")).startsWith("この回線からの送信が多すぎます");
      assertThat(second.drain(300)).noneMatch(f -> "ack".equals(f.getString("type")));
      assertThat(count(server, "SELECT count(*) FROM message")).isEqualTo(3);
      // The socket stays usable: typing and further frames are still answered.
      assertThat(second.message("b3", "").getString("code")).isEqualTo("text_required");
    }
    assertThat(server.metrics.value("webchat_rate_limited_total", "limit", "messages")).isEqualTo(1);
  }

  @Test
  @DisplayName("past the image quota: 429 with Retry-After; the image is not stored")
  void uploads(Vertx vertx) {
    WebchatServer server = server(vertx, local(ClientAddress.direct(), 100, 100, 1));
    String token = server.newSession();
    server.consentedChat(token).close();
    assertThat(upload(server, token, "img-1").statusCode()).isEqualTo(201);
    refusedWith429(upload(server, token, "img-2"), "too_many_uploads", 3600);
    assertThat(count(server, "SELECT count(*) FROM attachment")).isEqualTo(1);
  }

  private static HttpResponse<Buffer> upload(WebchatServer server, String token, String clientId) {
    return Await.result(server.http().post(server.port(), "127.0.0.1", "/webchat/uploads")
        .putHeader("X-Chat-Token", token).putHeader("X-Client-Id", clientId)
        .putHeader("Content-Type", "image/png").sendBuffer(Buffer.buffer(PNG)));
  }

  @Test
  @DisplayName("a forged X-Forwarded-For from a peer that is not a trusted proxy is ignored: the socket address counts")
  void forgedForwardedFor(Vertx vertx) {
    WebchatServer server = server(vertx, local(ClientAddress.trusting("10.0.0.0/8"), 2, 100, 100));
    assertThat(createSession(server, "198.51.100.1").statusCode()).isEqualTo(201);
    assertThat(createSession(server, "198.51.100.2").statusCode()).isEqualTo(201);
    assertThat(createSession(server, "198.51.100.3").statusCode()).isEqualTo(429);
  }

  @Test
  @DisplayName("behind a trusted proxy each forwarded client has its own quota")
  void trustedProxy(Vertx vertx) {
    WebchatServer server = server(vertx, local(ClientAddress.trusting("127.0.0.1"), 1, 100, 100));
    assertThat(createSession(server, "198.51.100.1").statusCode()).isEqualTo(201);
    assertThat(createSession(server, "198.51.100.2").statusCode()).isEqualTo(201);
    // The client put a made-up address on the left; the proxy appended the real one.
    assertThat(createSession(server, "203.0.113.9, 198.51.100.1").statusCode()).isEqualTo(429);
  }

  @Test
  @DisplayName("two gateway instances on one Redis share the new-chat count of an address")
  void sharedThroughRedis(Vertx vertx) {
    TestRedis redis = TestRedis.start();
    opened.add(redis);
    List<RateLimits> limits = new ArrayList<>();
    Function<Clock, WebchatQuotas> shared = clock -> {
      RateLimits l = RateLimits.redis(vertx, new RedisOptions().setConnectionString(redis.url()), STILL);
      limits.add(l);
      return new WebchatQuotas(ClientAddress.direct(), l.limiter("webchat-sessions", Quota.perHour(3)),
          l.limiter("webchat-messages", Quota.perMinute(100)), l.limiter("webchat-uploads", Quota.perHour(100)));
    };
    WebchatServer one = server(vertx, shared);
    WebchatServer two = server(vertx, shared);
    opened.add(() -> limits.forEach(l -> Await.result(l.close())));

    assertThat(createSession(one, null).statusCode()).isEqualTo(201);
    assertThat(createSession(two, null).statusCode()).isEqualTo(201);
    assertThat(createSession(one, null).statusCode()).isEqualTo(201);
    refusedWith429(createSession(two, null), "too_many_sessions", 3600);
    refusedWith429(createSession(one, null), "too_many_sessions", 3600);
  }
}
