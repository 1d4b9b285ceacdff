package jp.kurashi.app.backup;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code manifest.json} of a backup file: what it holds and how to check it.
 *
 * @param formatVersion of the file layout; a reader refuses versions it does not know
 * @param schemaVersion the Flyway version of the database it was taken from; a restore migrates to exactly this
 * @param createdAt     when the snapshot was taken
 * @param tables        every table, with its columns, row count and the SHA-256 of its entry
 * @param sequences     how far each id sequence had gone, so a restored desk never hands out an id twice
 */
record BackupManifest(int formatVersion, String schemaVersion, Instant createdAt, List<TableDump> tables,
                      List<SequenceDump> sequences) {

  static final String FORMAT = "kurashi-gateway-backup";
  static final int FORMAT_VERSION = 1;
  static final String ENTRY = "manifest.json";

  /**
   * One table's rows in PostgreSQL's COPY text format (UTF-8, ISO dates in UTC, bytea as hex).
   *
   * @param entry  its name inside the zip file
   * @param sha256 hex digest of the entry's bytes
   */
  record TableDump(String name, List<String> columns, long rows, String entry, String sha256) {
  }

  /**
   * @param used the highest value handed out (0 when none)
   */
  record SequenceDump(String name, long used) {
  }

  JsonObject toJson() {
    JsonArray tableArray = new JsonArray();
    tables.forEach(t -> tableArray.add(new JsonObject().put("name", t.name()).put("columns", new JsonArray(t.columns()))
        .put("rows", t.rows()).put("entry", t.entry()).put("sha256", t.sha256())));
    JsonArray sequenceArray = new JsonArray();
    sequences.forEach(s -> sequenceArray.add(new JsonObject().put("name", s.name()).put("used", s.used())));
    return new JsonObject().put("format", FORMAT).put("formatVersion", formatVersion)
        .put("schemaVersion", schemaVersion).put("createdAt", createdAt.toString())
        .put("tables", tableArray).put("sequences", sequenceArray);
  }

  /** Reads and checks a manifest; anything unexpected is refused, since a restore trusts nothing else. */
  static BackupManifest parse(String json) throws BackupException {
    try {
      JsonObject o = new JsonObject(json);
      if (!FORMAT.equals(o.getString("format"))) {
        throw new BackupException("not a Kurashi Gateway backup (its manifest names no known format)");
      }
      int version = o.getInteger("formatVersion", 0);
      if (version != FORMAT_VERSION) {
        throw new BackupException("backup format " + version + " is not readable by this gateway (it reads format "
            + FORMAT_VERSION + "); restore with the gateway version that made it");
      }
      String schema = o.getString("schemaVersion");
      if (schema == null || !schema.matches("[0-9]+(\\.[0-9]+)*")) {
        throw new BackupException("the backup's manifest has no valid schema version");
      }
      List<TableDump> tables = o.getJsonArray("tables").stream().map(JsonObject.class::cast)
          .map(t -> new TableDump(t.getString("name"),
              t.getJsonArray("columns").stream().map(String.class::cast).toList(),
              t.getLong("rows"), t.getString("entry"), t.getString("sha256")))
          .toList();
      Set<String> seen = new HashSet<>();
      for (TableDump t : tables) {
        if (t.name() == null || t.entry() == null || t.sha256() == null || t.rows() < 0 || t.columns().isEmpty()
            || !seen.add(t.name())) {
          throw new BackupException("the backup's manifest lists a table incompletely or twice");
        }
      }
      List<SequenceDump> sequences = o.getJsonArray("sequences").stream().map(JsonObject.class::cast)
          .map(s -> new SequenceDump(s.getString("name"), s.getLong("used")))
          .toList();
      return new BackupManifest(version, schema, Instant.parse(o.getString("createdAt")), tables, sequences);
    } catch (DecodeException | ClassCastException | NullPointerException | DateTimeParseException e) {
      throw new BackupException("the backup's manifest is damaged (" + e.getClass().getSimpleName() + ")");
    }
  }
}
