package jp.kurashi.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jp.kurashi.core.store.CaseStore.AttachmentData;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a resident's file reaches a staff browser. A file is the resident's content, not ours: only
 * PNG and JPEG, which browsers render as pictures and never run, are shown inline. Anything else
 * (PDF, HTML, SVG, text) is a download in a sandbox, so a crafted file cannot run script with the
 * console's origin and session.
 */
final class AttachmentResponse {

  private static final Set<String> INLINE = Set.of("image/png", "image/jpeg");
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");

  private AttachmentResponse() {
  }

  static void send(HttpServerResponse response, long attachmentId, AttachmentData file) {
    String type = baseType(file.contentType());
    response.putHeader("X-Content-Type-Options", "nosniff");
    if (INLINE.contains(type)) {
      response.putHeader("Content-Type", type)
          .putHeader("Content-Disposition", "inline")
          .putHeader("Content-Security-Policy", "default-src 'none'");
    } else {
      response.putHeader("Content-Type", MEDIA_TYPE.matcher(type).matches() ? type : "application/octet-stream")
          .putHeader("Content-Disposition", disposition(attachmentId, file.fileName()))
          .putHeader("Content-Security-Policy", "sandbox; default-src 'none'");
    }
    response.end(Buffer.buffer(file.data()));
  }

  /** The type without parameters, lower case; parameters such as charset are dropped with it. */
  static String baseType(String contentType) {
    if (contentType == null) {
      return "application/octet-stream";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** {@code attachment} with an ASCII fallback name and the resident's own name in RFC 6266 form. */
  static String disposition(long attachmentId, String fileName) {
    String fallback = "attachment-" + attachmentId;
    if (fileName == null || fileName.isBlank()) {
      return "attachment; filename=\"" + fallback + "\"";
    }
    String clean = fileName.replaceAll("[\\p{Cntrl}/\\\\]", "_").strip();
    String ascii = clean.replaceAll("[^A-Za-z0-9._ -]", "_");
    String encoded = URLEncoder.encode(clean, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + (ascii.isBlank() ? fallback : ascii) + "\"; filename*=UTF-8''" + encoded;
  }
}
