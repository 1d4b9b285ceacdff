package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.TriageModelStore;
import jp.kurashi.core.store.TriageModelStore.Figures;
import jp.kurashi.core.store.TriageModelStore.ModelInfo;
import jp.kurashi.core.store.TriageModelStore.NewModel;
import jp.kurashi.core.triage.TriageEvaluation;
import jp.kurashi.core.triage.TriageModel;
import jp.kurashi.core.triage.TriageModelCheck;
import jp.kurashi.core.triage.TriageModelCheck.Outcome;
import jp.kurashi.core.triage.TriageModelCheck.Shortfall;
import jp.kurashi.core.triage.TriageModelInForce;
import jp.kurashi.core.triage.TriageModelInForce.Installed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/triage/model} (chief, admin): what the model in force is, where it came from and what it
 * scored. {@code PUT /api/triage/model} (chief), body the model file: read, scored against the model in
 * force on the shipped corpus ({@link TriageModelCheck} says when it "scores below"), and if not worse saved
 * and put in force here; the other instances pick it up ({@code TriageModelRefresh}).
 */
final class TriageModelApi {

  static final String PATH = "/triage/model";
  /** A model file is about 2 MB; ten times that is still a model, more is a mistake. */
  static final int MAX_BYTES = 20 * 1024 * 1024;

  private final Vertx vertx;
  private final TriageModelStore store;
  private final TriageModelInForce inForce;
  private final CaseGuard guard;
  private final TriageModelCheck check = new TriageModelCheck();

  TriageModelApi(Vertx vertx, TriageModelStore store, TriageModelInForce inForce, CaseGuard guard) {
    this.vertx = vertx;
    this.store = store;
    this.inForce = inForce;
    this.guard = guard;
  }

  /** True for the upload, whose body is read only after the session is checked (see {@link #uploadBody}). */
  static boolean isUpload(RoutingContext ctx) {
    return ctx.request().method() == HttpMethod.PUT && ctx.normalizedPath().equals("/api" + PATH);
  }

  /** The audited action of installing a model; only the chief may. */
  private static final String WRITE = "triage.model.write";

  /**
   * Reads the upload's body, up to {@link #MAX_BYTES} (413 above, refused from Content-Length before a byte
   * is read). Runs after the session check, and reads only a chief's upload: anyone else's is refused (and audited)
   * here, unread, so neither someone logged out nor a colleague without the right can make the gateway hold 20 MB
   * at a time; the request is paused until then. Any other request passes on.
   */
  static Handler<RoutingContext> uploadBody(CaseGuard guard) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BYTES);
    return ctx -> {
      if (!isUpload(ctx)) {
        ctx.next();
        return;
      }
      guard.role(ctx, StaffSession.of(ctx), WRITE, Role.CHIEF).onSuccess(v -> body.handle(ctx)).onFailure(ctx::fail);
    };
  }

  void bind(Operations operations) {
    operations.answer("triageModel", 200, this::describe);
    operations.answer("installTriageModel", 200, this::install);
  }

  private Future<?> describe(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return guard.role(ctx, session, "triage.model.read", Role.CHIEF, Role.ADMIN)
        .compose(v -> json(inForce.current()))
        .map(json -> json);
  }

  private Future<?> install(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    byte[] file = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    return guard.role(ctx, session, WRITE, Role.CHIEF)
        .compose(v -> file.length == 0
            ? Future.failedFuture(ApiException.badRequest("model_required",
                "モデルファイルがありません / The request body must be a model file"))
            : vertx.executeBlocking(() -> new Candidate(TriageModel.read(file), TriageModelInForce.sha256(file)), false)
                .recover(err -> Future.failedFuture(err instanceof IOException bad ? unreadable(bad) : err)))
        .compose(candidate -> {
          Installed current = inForce.current();
          return vertx.executeBlocking(() -> check.check(inForce.engine().rules(), current.model(), candidate.model()), false)
              .compose(outcome -> outcome.accepted()
                  ? save(session, file, candidate, current, outcome)
                      .compose(json -> guard.done(ctx, session, "triage.model.write",
                          new JsonObject().put("sha256", candidate.sha256()).put("replaced", current.sha256())).map(json))
                  : Future.failedFuture(refusal(outcome)));
        });
  }

  private Future<JsonObject> save(StaffSession session, byte[] file, Candidate candidate, Installed current, Outcome outcome) {
    NewModel row = new NewModel(file, candidate.sha256(), candidate.model().corpusSha256(), outcome.corpusSha256(),
        candidate.model().features(), session.staff().id(), outcome.candidate().messages(), figures(outcome.candidate()),
        current.sha256(), figures(outcome.current()));
    return store.save(row).compose(id -> {
      inForce.install(candidate.model(), candidate.sha256(), id);
      return json(inForce.current());
    });
  }

  private Future<JsonObject> json(Installed installed) {
    TriageModel model = installed.model();
    JsonObject out = new JsonObject()
        .put("source", installed.shipped() ? "shipped" : "installed")
        .put("sha256", installed.sha256())
        .put("corpusSha256", model.corpusSha256())
        .put("features", model.features())
        .put("categories", new JsonArray(model.categories()))
        .put("crisisThreshold", model.crisisThreshold()).put("otherCrisisThreshold", model.otherCrisisThreshold());
    if (installed.shipped()) {
      return Future.succeededFuture(out);
    }
    return store.info(installed.savedId()).map(info -> info.map(i -> withInfo(out, i)).orElse(out));
  }

  private static JsonObject withInfo(JsonObject out, ModelInfo info) {
    return out.put("id", info.id())
        .put("installedBy", new JsonObject().put("id", info.staffId()).put("login", info.staffLogin()))
        .put("installedAt", info.installedAt().toString())
        .put("evaluatedCorpusSha256", info.evaluatedCorpusSha256())
        .put("messages", info.messages())
        .put("figures", json(info.figures()))
        .put("replaced", new JsonObject().put("sha256", info.replacedSha256()).put("figures", json(info.replaced())));
  }

  private static Figures figures(TriageEvaluation e) {
    return new Figures(e.microF1(), e.urgencyAccuracy(), e.crisisRecall(), e.falseCrisisRate());
  }

  private static JsonObject json(Figures f) {
    return new JsonObject().put("microF1", f.microF1()).put("urgencyAccuracy", f.urgencyAccuracy())
        .put("crisisRecall", f.crisisRecall()).put("falseCrisisRate", f.falseCrisisRate());
  }

  private static ApiException unreadable(IOException reason) {
    return ApiException.badRequest("invalid_model", "モデルファイルとして読めません（壊れているか、別の形式です）"
        + " / Not a usable triage model file: " + reason.getMessage());
  }

  /** 409 with both models' figures and, in Japanese then English, what the new one falls short in. */
  /** A model that read fine but scores below the one in force: 409 with the figures, not a failure of the gateway. */
  static ApiException refusal(Outcome o) {
    List<String> ja = new ArrayList<>();
    List<String> en = new ArrayList<>();
    if (o.shortfalls().contains(Shortfall.CRISIS_RECALL)) {
      ja.add("危機の検出率が下がります");
      en.add("its crisis recall is lower");
    }
    if (o.shortfalls().contains(Shortfall.MICRO_F1)) {
      ja.add(String.format(Locale.ROOT, "カテゴリの micro-F1 が %.3f を超えて下がります", TriageModelCheck.MICRO_F1_TOLERANCE));
      en.add(String.format(Locale.ROOT, "its category micro-F1 is lower by more than %.3f", TriageModelCheck.MICRO_F1_TOLERANCE));
    }
    TriageEvaluation now = o.current();
    TriageEvaluation next = o.candidate();
    String figures = String.format(Locale.ROOT, "%.3f / %.3f", next.crisisRecall(), now.crisisRecall());
    String f1 = String.format(Locale.ROOT, "%.3f / %.3f", next.microF1(), now.microF1());
    String message = "新しいモデルは現在のモデルより成績が低いため、入れ替えませんでした。" + String.join("。", ja)
        + "（同梱コーパス " + next.messages() + " 件、新 / 現在：危機の検出率 " + figures + "、micro-F1 " + f1 + "）"
        + " / Refused: on the shipped corpus (" + next.messages() + " messages) the new model scores below the model in force: "
        + String.join(" and ", en) + " (new / current: crisis recall " + figures + ", micro-F1 " + f1 + ").";
    JsonArray shortfalls = new JsonArray();
    o.shortfalls().forEach(s -> shortfalls.add(s.name().toLowerCase(Locale.ROOT)));
    return new ApiException(409, "model_scores_lower", message, new JsonObject().put("shortfalls", shortfalls)
        .put("corpusSha256", o.corpusSha256()).put("messages", next.messages())
        .put("candidate", json(figures(next))).put("current", json(figures(now))));
  }

  private record Candidate(TriageModel model, String sha256) {
  }

}
