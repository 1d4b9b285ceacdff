package jp.kurashi.core.store;

import jp.kurashi.core.domain.CaseSummary;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where the next page of the queue starts: the queue key (urgency rank, last inbound time, id) of the last case
 * shown. Clients get it as an opaque string ({@link #encode}) and hand it back as {@code ?after=}.
 */
public record QueueCursor(int urgencyRank, Instant lastInboundAt, long caseId) {

  /** The cursor just after {@code last}. */
  public static QueueCursor after(CaseSummary last) {
    return new QueueCursor(rank(last.urgency()), last.lastInboundAt(), last.id());
  }

  static int rank(String urgency) {
    return switch (urgency) {
      case "crisis" -> 0;
      case "urgent" -> 1;
      default -> 2;
    };
  }

  public String encode() {
    String plain = urgencyRank + "|" + (lastInboundAt == null ? "" : lastInboundAt.toString()) + "|" + caseId;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of {@link #encode}; {@link IllegalArgumentException} for anything else. */
  public static QueueCursor decode(String text) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      String[] parts = plain.split("\\|", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException("not a queue cursor");
      }
      int rank = Integer.parseInt(parts[0]);
      long id = Long.parseLong(parts[2]);
      if (rank < 0 || rank > 2 || id < 1) {
        throw new IllegalArgumentException("not a queue cursor");
      }
      return new QueueCursor(rank, parts[1].isEmpty() ? null : Instant.parse(parts[1]), id);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("not a queue cursor", e);
    }
  }
}
