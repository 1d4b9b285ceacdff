package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The office's reply templates ({@code {name}} and {@code {staff}} are filled in by the console). */
public final class TemplateStore {

  private final Pool pool;

  public TemplateStore(Pool pool) {
    this.pool = pool;
  }

  /** One reply template. */
  public record Template(long id, String title, String body) {
  }

  public Future<List<Template>> list(long officeId) {
    return pool.preparedQuery(TemplateSql.LIST).execute(Tuple.of(officeId)).map(rows -> {
      List<Template> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(new Template(r.getLong("id"), r.getString("title"), r.getString("body"))));
      return out;
    });
  }

  /** Saves a template, replacing one of the same title; completes with its id. */
  public Future<Long> save(long officeId, String title, String body) {
    return pool.preparedQuery(TemplateSql.SAVE).execute(Tuple.of(officeId, title, body))
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
