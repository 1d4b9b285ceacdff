package jp.kurashi.app.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** A backup file opened for restore: its manifest, and each table's entry checked against its SHA-256. */
final class BackupArchive implements AutoCloseable {

  private final Path file;
  private final ZipFile zip;
  private final BackupManifest manifest;

  private BackupArchive(Path file, ZipFile zip, BackupManifest manifest) {
    this.file = file;
    this.zip = zip;
    this.manifest = manifest;
  }

  /** Opens {@code file} and reads its manifest; a missing, foreign or damaged file is refused. */
  static BackupArchive open(Path file) throws BackupException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new BackupException("no such backup file: " + file);
    } catch (ZipException e) {
      throw new BackupException(file + " is not a Kurashi Gateway backup (not a zip file)");
    } catch (IOException e) {
      throw new BackupException("cannot read " + file + ": " + e.getMessage());
    }
    try {
      ZipEntry entry = zip.getEntry(BackupManifest.ENTRY);
      if (entry == null) {
        throw new BackupException(file + " is not a Kurashi Gateway backup (no " + BackupManifest.ENTRY + ")");
      }
      String json;
      try (InputStream in = zip.getInputStream(entry)) {
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new BackupException(file + " is damaged: " + BackupManifest.ENTRY + " cannot be read");
      }
      return new BackupArchive(file, zip, BackupManifest.parse(json));
    } catch (BackupException e) {
      closeQuietly(zip);
      throw e;
    }
  }

  BackupManifest manifest() {
    return manifest;
  }

  /** Reads every table's entry through and compares its SHA-256 with the manifest, before any database is touched. */
  void verify() throws BackupException {
    for (BackupManifest.TableDump table : manifest.tables()) {
      try (InputStream in = table(table)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        throw damaged(table);
      }
    }
  }

  /**
   * The entry's bytes; reading to the end fails with an {@link IOException} when they differ from the
   * manifest's checksum, so a load that streams them aborts (and rolls back) on a damaged entry too.
   */
  InputStream table(BackupManifest.TableDump table) throws BackupException, IOException {
    ZipEntry entry = zip.getEntry(table.entry());
    if (entry == null) {
      throw new BackupException(file + " is damaged: the rows of table " + table.name() + " are missing");
    }
    return new CheckedInput(zip.getInputStream(entry), table);
  }

  BackupException damaged(BackupManifest.TableDump table) {
    return new BackupException(file + " is damaged: the rows of table " + table.name()
        + " do not match their checksum; nothing was restored");
  }

  @Override
  public void close() {
    closeQuietly(zip);
  }

  private static void closeQuietly(ZipFile zip) {
    try {
      zip.close();
    } catch (IOException ignored) {
      // Read-only: nothing to lose.
    }
  }

  /** Fails at the end of the stream unless the bytes read match the manifest's SHA-256. */
  private static final class CheckedInput extends DigestInputStream {
    private final BackupManifest.TableDump table;
    private boolean checked;

    CheckedInput(InputStream in, BackupManifest.TableDump table) {
      super(in, Sha256.newDigest());
      this.table = table;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        check();
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) {
        check();
      }
      return n;
    }

    private void check() throws IOException {
      if (checked) {
        return;
      }
      checked = true;
      String actual = HexFormat.of().formatHex(getMessageDigest().digest());
      if (!actual.equalsIgnoreCase(table.sha256())) {
        throw new ChecksumMismatch(table.name());
      }
    }
  }

  /** Thrown inside a stream, where only an {@link IOException} can pass. */
  static final class ChecksumMismatch extends IOException {
    ChecksumMismatch(String table) {
      super("checksum mismatch in table " + table);
    }
  }
}
