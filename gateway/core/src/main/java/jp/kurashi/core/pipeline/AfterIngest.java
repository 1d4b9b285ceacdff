package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;

/**
 * A step run after a new inbound message is committed (triage, automatic replies).
 * A failing step is logged and does not stop the steps after it.
 */
public interface AfterIngest {

  /** A short name for logs. */
  String name();

  Future<Void> apply(InboundMessage message, IngestResult stored);
}
