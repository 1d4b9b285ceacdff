package jp.kurashi.testkit.crash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a crash run measured: per channel, resident messages sent, acknowledged, stored, lost and
 * duplicated; staff replies queued, delivered and duplicated to the resident; and the database's
 * durability settings. {@link #problems()} is empty when nothing was lost or duplicated.
 */
public record CrashReport(int kills, Duration elapsed, List<Inbound> inbound, List<Replies> replies,
                          Map<String, Long> outbox, String fsync, String synchronousCommit) {

  /**
   * Resident messages of one channel.
   *
   * @param unacknowledged sent but still without an acknowledgement when the run ended (clients retry until then)
   * @param lost           acknowledged, yet not stored
   * @param duplicated     extra stored copies of one message (by its marker, whatever its external id)
   */
  public record Inbound(String channel, long sent, long acknowledged, long stored, long unacknowledged, long lost,
                        long duplicated) {
  }

  /**
   * Staff replies on one channel.
   *
   * @param queued               the console API answered 202
   * @param delivered            of those, delivered to the resident (LINE accepted a push; on the socket; in the mailbox)
   * @param duplicatedToResident extra copies the resident got (second LINE retry key, message id or Message-ID)
   * @param channelCalls         pushes, frames or mails carrying staff replies, retries included
   */
  public record Replies(String channel, long queued, long delivered, long duplicatedToResident, long channelCalls) {
  }

  /** Every broken promise, one line each; empty means the run passed. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    for (Inbound i : inbound) {
      if (i.lost() > 0) {
        out.add(i.channel() + ": " + i.lost() + " acknowledged messages lost");
      }
      if (i.duplicated() > 0) {
        out.add(i.channel() + ": " + i.duplicated() + " messages stored twice");
      }
      if (i.unacknowledged() > 0) {
        out.add(i.channel() + ": " + i.unacknowledged() + " messages never acknowledged although the client kept resending");
      }
      if (i.acknowledged() == 0) {
        out.add(i.channel() + ": nothing acknowledged, the run proved nothing");
      }
    }
    for (Replies r : replies) {
      if (r.delivered() < r.queued()) {
        out.add(r.channel() + ": " + (r.queued() - r.delivered()) + " queued staff replies never delivered");
      }
      if (r.duplicatedToResident() > 0) {
        out.add(r.channel() + ": " + r.duplicatedToResident() + " staff replies reached the resident twice");
      }
    }
    if (outbox.getOrDefault("pending", 0L) > 0 || outbox.getOrDefault("failed", 0L) > 0) {
      out.add("outbox not drained after the quiet period: " + outbox);
    }
    if (replies.stream().mapToLong(Replies::queued).sum() == 0) {
      out.add("no staff reply was queued, the run proved nothing about replies");
    }
    return out;
  }

  /** The figures as Markdown tables, for the console and docs/RELIABILITY.md. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("kills: %d, elapsed: %d s, fsync=%s, synchronous_commit=%s%n%n", kills, elapsed.toSeconds(),
        fsync, synchronousCommit));
    sb.append("| channel | sent | acknowledged | stored | unacknowledged | lost | duplicated |\n");
    sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Inbound i : inbound) {
      sb.append(String.format("| %s | %d | %d | %d | %d | %d | %d |%n", i.channel(), i.sent(), i.acknowledged(),
          i.stored(), i.unacknowledged(), i.lost(), i.duplicated()));
    }
    sb.append("\n| staff replies | queued (202) | delivered | duplicated to resident | channel calls |\n");
    sb.append("| --- | ---: | ---: | ---: | ---: |\n");
    for (Replies r : replies) {
      sb.append(String.format("| %s | %d | %d | %d | %d |%n", r.channel(), r.queued(), r.delivered(),
          r.duplicatedToResident(), r.channelCalls()));
    }
    sb.append("\noutbox rows by status: ").append(outbox).append('\n');
    return sb.toString();
  }
}
