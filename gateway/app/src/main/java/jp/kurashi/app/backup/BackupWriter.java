package jp.kurashi.app.backup;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes every table of a live database into one zip file from a single snapshot: the gateway keeps taking
 * messages meanwhile, and the file still shows the database as it was at one instant.
 */
final class BackupWriter {

  private BackupWriter() {
  }

  /**
   * Writes the backup to {@code file.partial} (0600 from its first byte: it holds every consultation), syncs
   * it to disk and renames it to {@code file}, so {@code file} is either a whole backup or not there.
   */
  static BackupManifest write(Connection c, Path file, Instant now) throws BackupException, IOException, SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      // One snapshot for every table; READ ONLY so a backup can never change what it copies.
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
    CopyText.fixSession(c);
    String schemaVersion = Catalog.schemaVersion(c)
        .orElseThrow(() -> new BackupException("the database has no gateway schema: nothing to back up"));
    Map<String, List<String>> tables = Catalog.tables(c);
    try (Statement s = c.createStatement()) {
      // As pg_dump does: a migration cannot change a table while it is being copied.
      s.execute("LOCK TABLE " + String.join(", ", tables.keySet().stream().map(Catalog::quote).toList())
          + " IN ACCESS SHARE MODE");
    }
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      BackupManifest manifest;
      try (OutputStream raw = Files.newOutputStream(partial, StandardOpenOption.WRITE);
           ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
        manifest = writeEntries(c, zip, tables, schemaVersion, now);
        zip.putNextEntry(new ZipEntry(BackupManifest.ENTRY));
        zip.write(manifest.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      c.rollback();
      return manifest;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static BackupManifest writeEntries(Connection c, ZipOutputStream zip, Map<String, List<String>> tables,
                                             String schemaVersion, Instant now) throws IOException, SQLException {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    List<BackupManifest.TableDump> dumps = new ArrayList<>();
    for (Map.Entry<String, List<String>> table : tables.entrySet()) {
      String entry = "tables/" + table.getKey() + ".copy";
      zip.putNextEntry(new ZipEntry(entry));
      DigestOutputStream digest = new DigestOutputStream(new KeepOpen(zip), Sha256.newDigest());
      long rows = copy.copyOut(CopyText.out(table.getKey(), table.getValue()), digest);
      digest.flush();
      zip.closeEntry();
      dumps.add(new BackupManifest.TableDump(table.getKey(), table.getValue(), rows, entry,
          HexFormat.of().formatHex(digest.getMessageDigest().digest())));
    }
    List<BackupManifest.SequenceDump> sequences = new ArrayList<>();
    for (Catalog.OwnedSequence seq : Catalog.sequences(c)) {
      try (Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT last_value, is_called FROM " + Catalog.quote(seq.name()))) {
        r.next();
        sequences.add(new BackupManifest.SequenceDump(seq.name(), r.getBoolean(2) ? r.getLong(1) : r.getLong(1) - 1));
      }
    }
    return new BackupManifest(BackupManifest.FORMAT_VERSION, schemaVersion, now, dumps, sequences);
  }

  /** The zip stream stays open across entries, whoever closes the wrapper. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
