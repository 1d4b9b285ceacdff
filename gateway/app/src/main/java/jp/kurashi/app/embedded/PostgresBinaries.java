package jp.kurashi.app.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The PostgreSQL programs the embedded default runs, unpacked from the binaries jar Maven brings.
 *
 * <p>They are unpacked under {@code DATA_DIR} rather than the system temp directory, where zonky's test
 * helper keeps them: a cleaner of {@code /tmp} (systemd-tmpfiles, a reboot with tmpfs) would otherwise
 * delete the programs of a server that is still running, and the next start would have to fetch nothing
 * but would find nothing either. One folder per bundle content, so an upgrade never mixes versions.
 */
public final class PostgresBinaries {

  private static final boolean RUNNING_AS_ROOT = runningAsRoot();
  private static final String READY = ".ready";
  private static volatile String bundleHash;
  /** The folder this JVM last unpacked or found ready, which a new folder may link to, with its count of entries. */
  private static volatile Unpacked lastReady;

  /** A ready folder and how many files, links and folders it holds, so a copy of it can be checked whole. */
  private record Unpacked(Path home, long entries) {
  }

  private final Path home;

  private PostgresBinaries(Path home) {
    this.home = home;
  }

  /**
   * Unpacks the bundle under {@code parent} once (a later call finds it ready) and returns where it is. When this JVM
   * already has the same bundle ready in another folder (the start-up warm-up's scratch server beside the desk's own, a
   * test starting many), the new folder gets hard links to those files instead: unpacking costs seconds of CPU (xz),
   * linking milliseconds, and the programs are never written to once unpacked.
   */
  public static PostgresBinaries unpack(Path parent) throws IOException {
    Path home = parent.resolve("pg-" + bundleHash());
    Path ready = home.resolve(READY);
    if (Files.exists(ready)) {
      Unpacked known = lastReady;
      if (known == null || !known.home().equals(home)) {
        lastReady = new Unpacked(home, entries(home));
      }
      return new PostgresBinaries(home);
    }
    Path partial = parent.resolve(home.getFileName() + ".partial");
    PrivateFiles.deleteTree(partial);
    Files.createDirectories(partial);
    Unpacked source = lastReady;
    if (source == null || !Files.exists(source.home().resolve(READY)) || !linked(source, partial)) {
      PrivateFiles.deleteTree(partial);
      Files.createDirectories(partial);
      extract(partial);
    }
    Files.createFile(partial.resolve(READY));
    PrivateFiles.deleteTree(home);
    Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
    lastReady = new Unpacked(home, entries(home));
    return new PostgresBinaries(home);
  }

  /**
   * Fills {@code target} with hard links to the files of the ready folder {@code source} (symbolic links recreated,
   * folders made); false when that is not possible (another file system) or the copy is not whole (the source being
   * deleted meanwhile: its {@code .ready} goes last).
   */
  private static boolean linked(Unpacked source, Path target) {
    long linked = 0;
    try (Stream<Path> walk = Files.walk(source.home())) {
      for (Path from : (Iterable<Path>) walk::iterator) {
        linked++;
        Path relative = source.home().relativize(from);
        if (relative.toString().equals(READY)) {
          continue;
        }
        Path to = target.resolve(relative.toString());
        if (Files.isSymbolicLink(from)) {
          Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        } else if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.createLink(to, from);
        }
      }
      return linked == source.entries() && Files.exists(source.home().resolve(READY));
    } catch (IOException | UncheckedIOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Everything under {@code home}, itself included. */
  private static long entries(Path home) throws IOException {
    try (Stream<Path> walk = Files.walk(home)) {
      return walk.count();
    }
  }

  private static void extract(Path partial) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
        new BufferedInputStream(new java.io.ByteArrayInputStream(bundle()))))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path target = partial.resolve(entry.getName()).normalize();
        if (!target.startsWith(partial)) {
          throw new IOException("PostgreSQL bundle entry outside its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          boolean executable = (entry.getMode() & 0100) != 0;
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-x---" : "rw-r-----"));
        }
      }
    }
  }

  /** A program of the bundle, e.g. {@code postgres} or {@code initdb}. */
  public Path program(String name) {
    return home.resolve("bin").resolve(name);
  }

  /**
   * The command line that runs {@code program} with {@code args}. PostgreSQL refuses to run as root; a
   * gateway started as root (a container's default) runs it in a new user namespace ({@code unshare -U}),
   * where it is an unprivileged user, while the files it writes still belong to the gateway's user.
   */
  public List<String> command(String program, String... args) {
    List<String> command = new ArrayList<>();
    if (RUNNING_AS_ROOT) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.add(program(program).toString());
    command.addAll(List.of(args));
    return command;
  }

  private static boolean runningAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return arch.equals("aarch64") || arch.equals("arm64") ? "arm_64" : "x86_64";
  }

  private static byte[] bundle() throws IOException {
    try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", architecture())) {
      return in.readAllBytes();
    }
  }

  /**
   * The bundle's short hash, computed once per JVM: it names the folder, and the bundle (about 20 MB) does not change
   * while the JVM runs. A restart of the embedded server, and a test JVM starting many, then read nothing.
   */
  private static String bundleHash() throws IOException {
    String hash = bundleHash;
    if (hash == null) {
      synchronized (PostgresBinaries.class) {
        hash = bundleHash;
        if (hash == null) {
          hash = shortHash(bundle());
          bundleHash = hash;
        }
      }
    }
    return hash;
  }

  private static String shortHash(byte[] bundle) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundle)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
