package jp.kurashi.connectors.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.ParseException;
import jp.kurashi.core.domain.InboundAttachment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a raw mail: headers decoded with {@link EncodedWords}, text with {@link JapaneseCharsets},
 * text/plain preferred over HTML, attachments kept up to a size limit, auto-replies and bounces
 * recognised. Throws {@link MalformedMailException} only when there is nothing usable at all.
 */
final class MailParser {

  private static final Pattern ANGLE = Pattern.compile("<([^<>\\s]+)>");
  private static final Pattern ADDRESS = Pattern.compile("<?([^<>\\s\"]+@[^<>\\s\"]+)>?\\s*$");
  private static final Pattern MESSAGE_ID_LINE = Pattern.compile("(?im)^message-id:\\s*(<[^>]+>)");
  private static final Pattern DIAGNOSTIC = Pattern.compile("(?im)^diagnostic-code:\\s*(.+)$");
  private static final Pattern STATUS = Pattern.compile("(?im)^status:\\s*([245]\\.\\d+\\.\\d+)");
  private static final Set<String> BULK = Set.of("bulk", "junk", "list");

  private final Session session;
  private final int maxAttachmentBytes;

  MailParser(int maxAttachmentBytes) {
    Properties props = new Properties();
    props.setProperty("mail.mime.address.strict", "false");
    props.setProperty("mail.mime.parameters.strict", "false");
    props.setProperty("mail.mime.decodetext.strict", "false");
    props.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
    props.setProperty("mail.mime.multipart.allowempty", "true");
    this.session = Session.getInstance(props);
    this.maxAttachmentBytes = maxAttachmentBytes;
  }

  ParsedMail parse(byte[] raw) throws MalformedMailException {
    MimeMessage message;
    try {
      message = new MimeMessage(session, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new MalformedMailException("not a MIME message: " + e.getMessage());
    }
    try {
      String from = header(message, "From");
      String address = address(from);
      if (address == null) {
        throw new MalformedMailException("no sender address");
      }
      Body body = new Body();
      walk(message, body, false);
      String text = body.plain != null ? body.plain : body.html != null ? HtmlText.toText(body.html) : "";
      boolean automated = automated(message, address) || body.bounce != null;
      return new ParsedMail(messageId(message, raw), address.toLowerCase(Locale.ROOT), name(from),
          EncodedWords.decode(header(message, "Subject")), text.replace("\r\n", "\n"), body.attachments, body.skipped,
          references(message), automated, body.bounce, date(message));
    } catch (MessagingException | IOException | RuntimeException e) {
      throw new MalformedMailException("unreadable MIME structure: " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
    }
  }

  private static final class Body {
    String plain;
    String html;
    ParsedMail.Bounce bounce;
    String deliveryStatus;
    final List<InboundAttachment> attachments = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
  }

  private void walk(Part part, Body body, boolean inAlternative) throws MessagingException, IOException {
    ContentType type = contentType(part);
    String base = type.getBaseType().toLowerCase(Locale.ROOT);
    boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition(part));
    if (base.startsWith("multipart/")) {
      Multipart multipart = (Multipart) part.getContent();
      boolean alternative = base.equals("multipart/alternative");
      for (int i = 0; i < multipart.getCount(); i++) {
        walk(multipart.getBodyPart(i), body, alternative || inAlternative);
      }
      if (base.equals("multipart/report") && body.deliveryStatus != null) {
        body.bounce = bounce(body);
      }
      return;
    }
    if (!attachment && base.equals("text/plain") && body.plain == null) {
      body.plain = JapaneseCharsets.decode(bytes(part), type.getParameter("charset"));
      return;
    }
    if (!attachment && base.equals("text/html") && body.html == null) {
      body.html = JapaneseCharsets.decode(bytes(part), type.getParameter("charset"));
      return;
    }
    if (base.equals("message/delivery-status")) {
      body.deliveryStatus = new String(bytes(part), StandardCharsets.ISO_8859_1);
      return;
    }
    if (base.equals("message/rfc822") || base.equals("text/rfc822-headers")) {
      String headers = new String(bytes(part), StandardCharsets.ISO_8859_1);
      Matcher m = MESSAGE_ID_LINE.matcher(headers);
      if (m.find() && body.bounce == null) {
        body.bounce = new ParsedMail.Bounce(m.group(1), null);
      }
      return;
    }
    if (inAlternative && base.startsWith("text/")) {
      return;
    }
    keepAttachment(part, type, body);
  }

  private void keepAttachment(Part part, ContentType type, Body body) throws MessagingException, IOException {
    String name = fileName(part, type);
    byte[] data;
    try (InputStream in = part.getInputStream()) {
      data = in.readNBytes(maxAttachmentBytes + 1);
    }
    if (data.length > maxAttachmentBytes) {
      body.skipped.add((name == null ? type.getBaseType() : name) + " (" + part.getSize() + " bytes, over the limit)");
      return;
    }
    body.attachments.add(new InboundAttachment(type.getBaseType().toLowerCase(Locale.ROOT), name, data));
  }

  private static ParsedMail.Bounce bounce(Body body) {
    String status = body.deliveryStatus;
    Matcher diagnostic = DIAGNOSTIC.matcher(status);
    Matcher code = STATUS.matcher(status);
    String reason = diagnostic.find() ? diagnostic.group(1).trim() : code.find() ? "status " + code.group(1) : "delivery failed";
    String original = body.bounce == null ? null : body.bounce.originalMessageId();
    return new ParsedMail.Bounce(original, reason);
  }

  private static byte[] bytes(Part part) throws MessagingException, IOException {
    try (InputStream in = part.getInputStream()) {
      return in.readAllBytes();
    }
  }

  private static ContentType contentType(Part part) throws MessagingException {
    String raw = part.getContentType();
    try {
      return new ContentType(raw == null ? "text/plain" : raw);
    } catch (ParseException e) {
      return new ContentType("application", "octet-stream", null);
    }
  }

  private static String disposition(Part part) {
    try {
      return part.getDisposition();
    } catch (MessagingException e) {
      return null;
    }
  }

  private static String fileName(Part part, ContentType type) throws MessagingException {
    String name;
    try {
      name = part.getFileName();
    } catch (MessagingException e) {
      name = type.getParameter("name");
    }
    if (name == null) {
      name = type.getParameter("name");
    }
    return name == null ? null : EncodedWords.decode(name);
  }

  private static String header(Part part, String name) throws MessagingException {
    String[] values = part.getHeader(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  private static String address(String from) {
    if (from == null) {
      return null;
    }
    String unfolded = from.replaceAll("\\r?\\n[ \\t]", " ").trim();
    Matcher angle = ANGLE.matcher(unfolded);
    String candidate = null;
    while (angle.find()) {
      candidate = angle.group(1);
    }
    if (candidate == null) {
      Matcher plain = ADDRESS.matcher(unfolded.replaceAll("\\(.*?\\)", "").trim());
      candidate = plain.find() ? plain.group(1) : null;
    }
    return candidate != null && candidate.contains("@") ? candidate : null;
  }

  private static String name(String from) {
    if (from == null) {
      return null;
    }
    String unfolded = from.replaceAll("\\r?\\n[ \\t]", " ").trim();
    int lt = unfolded.lastIndexOf('<');
    if (lt <= 0) {
      Matcher comment = Pattern.compile("\\((.+)\\)").matcher(unfolded);
      return comment.find() ? blankToNull(EncodedWords.decode(comment.group(1))) : null;
    }
    String name = EncodedWords.decode(unfolded.substring(0, lt).trim());
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      name = name.substring(1, name.length() - 1).replace("\\\"", "\"");
    }
    return blankToNull(name.trim());
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String messageId(MimeMessage message, byte[] raw) throws MessagingException {
    String id = header(message, "Message-ID");
    if (id != null) {
      Matcher m = ANGLE.matcher(id);
      if (m.find()) {
        return "<" + m.group(1) + ">";
      }
      if (!id.isBlank()) {
        return id.trim();
      }
    }
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> references(MimeMessage message) throws MessagingException {
    Set<String> ids = new LinkedHashSet<>();
    for (String name : new String[] {"In-Reply-To", "References"}) {
      String value = header(message, name);
      if (value == null) {
        continue;
      }
      List<String> found = new ArrayList<>();
      Matcher m = ANGLE.matcher(value);
      while (m.find()) {
        found.add("<" + m.group(1) + ">");
      }
      if (name.equals("References")) {
        java.util.Collections.reverse(found);
      }
      ids.addAll(found);
    }
    return List.copyOf(ids);
  }

  private static boolean automated(MimeMessage message, String address) throws MessagingException {
    String autoSubmitted = header(message, "Auto-Submitted");
    if (autoSubmitted != null && !autoSubmitted.trim().toLowerCase(Locale.ROOT).startsWith("no")) {
      return true;
    }
    String precedence = header(message, "Precedence");
    if (precedence != null && BULK.contains(precedence.trim().toLowerCase(Locale.ROOT))) {
      return true;
    }
    if (header(message, "X-Autoreply") != null || header(message, "X-Autorespond") != null
        || header(message, "List-Id") != null) {
      return true;
    }
    String local = address.substring(0, address.indexOf('@')).toLowerCase(Locale.ROOT);
    return local.equals("mailer-daemon") || local.equals("postmaster");
  }

  private static Instant date(MimeMessage message) {
    try {
      return message.getSentDate() == null ? null : message.getSentDate().toInstant();
    } catch (MessagingException e) {
      return null;
    }
  }
}
