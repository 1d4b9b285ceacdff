package jp.kurashi.connectors.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jp.kurashi.core.domain.InboundAttachment;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.pipeline.InboundText;

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
 * Message-IDs, file names and bounce reasons are cleaned as message text is ({@link InboundText})
 * and bounded, so no header value can break an insert or an index.
 */
final class MailParser {

  private static final Pattern ANGLE = Pattern.compile("<([^<>\\s]+)>");
  // The local part stops at the first @: with it free to hold more, a From of many @ backtracked cubically (2,000
  // characters took 31 s, in which no other mail was read).
  private static final Pattern ADDRESS = Pattern.compile("<?([^<>\\s\"@]+@[^<>\\s\"]+)>?\\s*$");
  // Bounded, and kept to one line (or folded once, as Exchange returns a long one): with [^>]+ each of many "Message-ID: <x" lines without a '>' read to the end of the
  // part, and a 10 MB bounce held the mailbox for hours.
  private static final Pattern MESSAGE_ID_LINE = Pattern.compile("(?im)^message-id:[ \\t]*(?:\\r?\\n[ \\t]+)?(<[^<>\\r\\n]{1,998}>)");
  private static final Pattern DIAGNOSTIC = Pattern.compile("(?im)^diagnostic-code:\\s*(.+)$");
  private static final Pattern STATUS = Pattern.compile("(?im)^status:\\s*([245]\\.\\d+\\.\\d+)");
  private static final Pattern RECIPIENT =
      Pattern.compile("(?im)^(?:final|original)-recipient:\\s*rfc822\\s*;\\s*<?([^<>\\s@]+@[^<>\\s]+?)>?\\s*$");
  private static final int MAX_BOUNCE_RECIPIENTS = 20;
  /** An address as a plain bounce names it; bounded on both sides, so a long run of letters cannot backtrack. */
  private static final Pattern NAMED_ADDRESS =
      Pattern.compile("[A-Za-z0-9._%+!#$&'*/=?^`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){1,8}");
  /** A line of a plain bounce with the receiving server's SMTP reply (550 5.1.1 …), from its code on. */
  private static final Pattern SMTP_REPLY = Pattern.compile("(?m)\\b[45]\\d\\d[ -][^\\r\\n]{0,400}");
  /** {@code <meta charset="…">} or the http-equiv form, in an HTML part's first bytes. */
  private static final Pattern META_CHARSET =
      Pattern.compile("(?i)<meta\\b[^>]{0,300}?charset\\s*=\\s*[\"']?([A-Za-z0-9_.:-]{1,40})");
  /** How much of a plain bounce is read for the returned Message-ID and the failed addresses. */
  private static final int MAX_PLAIN_BOUNCE_CHARS = 256 * 1024;
  private static final Set<String> REPORT_PARTS =
      Set.of("message/delivery-status", "message/rfc822", "text/rfc822-headers");
  private static final Set<String> BULK = Set.of("bulk", "junk", "list");
  /** RFC 5321 allows a path of 256 octets, brackets included. */
  static final int MAX_ADDRESS_LENGTH = 254;
  /**
   * A From longer than this is not a person's name and address but an attack on the patterns that read it (a
   * display name of 1,000 kanji, encoded, is under 5,000 characters).
   */
  static final int MAX_FROM_LENGTH = 16_384;
  private static final int MAX_FILE_NAME_LENGTH = 255;
  private static final int MAX_BOUNCE_REASON_LENGTH = 500;
  private static final int MAX_DEPTH = 32;
  /** Text parts of a mixed mail joined after its first: a resident writes a few around photos, not hundreds. */
  private static final int MAX_MORE_TEXT_PARTS = 50;
  /** How much of a bounce's status and returned headers is read: what they say is in their first lines. */
  private static final int MAX_REPORT_PART_CHARS = 64 * 1024;

  static {
    LenientMime.apply();
  }

  private final Session session;
  private final int maxAttachmentBytes;

  MailParser(int maxAttachmentBytes) {
    Properties props = new Properties();
    // The one leniency Jakarta Mail reads from the session; the others are system properties (LenientMime).
    props.setProperty("mail.mime.address.strict", "false");
    this.session = Session.getInstance(props);
    this.maxAttachmentBytes = maxAttachmentBytes;
  }

  ParsedMail parse(byte[] raw) throws MalformedMailException {
    MimeMessage message;
    try {
      message = new MimeMessage(session, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new MalformedMailException("not a MIME message: " + e.getClass().getSimpleName());
    }
    try {
      String from = header(message, "From");
      if (from != null && from.length() > MAX_FROM_LENGTH) {
        throw new MalformedMailException("sender header too long");
      }
      String address = address(from);
      String named = from;
      if (address == null && from != null && from.contains("=?")) {
        // A mailer that encoded the address with the name (=?UTF-8?B?...?= as the whole From).
        named = EncodedWords.decode(from);
        address = address(named);
      }
      if (address == null) {
        // A From without a mailbox (a group: 「undisclosed-recipients:;」), the writer's mailbox in Sender.
        named = header(message, "Sender");
        address = named != null && named.length() <= MAX_FROM_LENGTH ? address(named) : null;
      }
      if (address == null) {
        throw new MalformedMailException("no sender address");
      }
      if (address.length() > MAX_ADDRESS_LENGTH) {
        throw new MalformedMailException("sender address too long");
      }
      if (address.chars().anyMatch(Character::isISOControl)) {
        throw new MalformedMailException("control character in sender address");
      }
      Body body = new Body();
      walk(message, body, false, 0);
      // A blank text part beside an HTML one (some mailers send both, the text empty) is not what the resident wrote.
      String text = body.plain != null && !body.plain.isBlank() ? body.plain
          : body.html != null ? HtmlText.toText(body.html) : body.plain != null ? body.plain : "";
      if (body.bounce == null && mailSystem(address)) {
        body.bounce = plainBounce(raw, text);
      }
      boolean automated = automated(message, address) || body.bounce != null;
      // Unambiguous only as the From header itself says it: a From read by these fallbacks is not.
      return new ParsedMail(messageId(message, raw), address.toLowerCase(Locale.ROOT), name(named),
          EncodedWords.decode(header(message, "Subject")), text.replace("\r\n", "\n"), body.attachments, body.skipped,
          references(message), automated, body.bounce, date(message), authenticationResults(message),
          unambiguous(message, from, address));
    } catch (MessagingException | IOException | RuntimeException e) {
      // The exception's message may quote the mail; the reason is kept and logged, so only the class.
      throw new MalformedMailException("unreadable MIME structure: " + e.getClass().getSimpleName());
    }
  }

  /** Multiparts nested deeper than {@link #MAX_DEPTH}. */
  private static final class NestedTooDeep extends MessagingException {
    NestedTooDeep() {
      super("multipart nested too deep");
    }
  }

  private static final class Body {
    String plain;
    String html;
    ParsedMail.Bounce bounce;
    /** Text parts after the first joined to it (each join copies the text: bounded, beyond they are files). */
    int moreTextParts;
    final List<InboundAttachment> attachments = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
  }

  private void walk(Part part, Body body, boolean inAlternative, int depth) throws MessagingException, IOException {
    if (depth > MAX_DEPTH) {
      throw new NestedTooDeep();
    }
    ContentType type = contentType(part);
    String base = type.getBaseType().toLowerCase(Locale.ROOT);
    boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition(part));
    if (depth == 0 && base.equals("multipart/report") && report((Multipart) part.getContent(), body)) {
      return;
    }
    if (base.startsWith("multipart/")) {
      Multipart multipart;
      int count;
      try {
        multipart = (Multipart) part.getContent();
        count = multipart.getCount();
      } catch (MessagingException | IOException | ClassCastException e) {
        // Boundaries that do not parse: the part's bytes are still what the resident wrote.
        unreadable(part, type, body, e);
        return;
      }
      if (count == 0) {
        // No boundary ever came (read as an empty multipart): the part's bytes are the text.
        if (!rawAsText(part, type, body)) {
          unreadable(part, type, body, new MessagingException("no boundary"));
        }
        return;
      }
      boolean alternative = base.equals("multipart/alternative");
      for (int i = 0; i < count; i++) {
        BodyPart child = multipart.getBodyPart(i);
        try {
          walk(child, body, alternative || inAlternative, depth + 1);
        } catch (NestedTooDeep e) {
          throw e; // not a resident's mail but an attack on the parser: the whole mail is quarantined
        } catch (MessagingException | IOException | RuntimeException e) {
          // One part that cannot be read costs that part, listed for staff, not the whole mail.
          unreadable(child, contentType(child), body, e);
        }
      }
      return;
    }
    if (!attachment && base.equals("text/plain") && body.plain == null) {
      body.plain = plain(bytes(part), type);
      return;
    }
    if (!attachment && base.equals("text/html") && body.html == null) {
      body.html = html(bytes(part), type);
      return;
    }
    if (!attachment && !inAlternative && part.getFileName() == null && body.moreTextParts < MAX_MORE_TEXT_PARTS
        && (base.equals("text/plain") && body.plain != null || base.equals("text/html") && body.html != null)) {
      body.moreTextParts++;
      // More of the same text, after a photo put in the middle of it (Apple Mail writes text, image, text): the
      // resident's words, not a file, and the sentence after the photo may be the one that matters.
      String more = base.equals("text/html") ? html(bytes(part), type)
          : plain(bytes(part), type);
      if (base.equals("text/plain")) {
        body.plain = body.plain + "\n" + more;
      } else {
        body.html = body.html + "\n" + more;
      }
      return;
    }
    if (inAlternative && base.startsWith("text/")) {
      return;
    }
    keepAttachment(part, type, body);
  }

  /**
   * A part that could not be read as MIME: its raw bytes are the text when the mail has none yet (a multipart whose
   * boundary never comes is a plain text with a wrong header); otherwise it is listed among the parts not stored.
   */
  private static void unreadable(Part part, ContentType type, Body body, Exception why) {
    if (type.getBaseType().toLowerCase(Locale.ROOT).startsWith("multipart/") && rawAsText(part, type, body)) {
      return;
    }
    String name = null;
    try {
      name = fileName(part, type);
    } catch (MessagingException | RuntimeException e) {
      // unnamed
    }
    body.skipped.add((name == null ? type.getBaseType().toLowerCase(Locale.ROOT) : name)
        + " (unreadable: " + why.getClass().getSimpleName() + ")");
  }

  /** A multipart that is not one, read as the mail's text when it has none yet; whether it was. */
  private static boolean rawAsText(Part part, ContentType type, Body body) {
    if (body.plain != null || body.html != null) {
      return false;
    }
    try (InputStream in = raw(part)) {
      body.plain = JapaneseCharsets.decode(in.readAllBytes(), type.getParameter("charset"));
      return true;
    } catch (MessagingException | IOException e) {
      return false;
    }
  }

  private void keepAttachment(Part part, ContentType type, Body body) throws MessagingException, IOException {
    String name = fileName(part, type);
    byte[] data;
    try (InputStream in = content(part)) {
      data = in.readNBytes(maxAttachmentBytes + 1);
    }
    if (data.length > maxAttachmentBytes) {
      body.skipped.add((name == null ? type.getBaseType() : name) + " (" + part.getSize() + " bytes, over the limit)");
      return;
    }
    String contentType = InboundText.oneLine(type.getBaseType().toLowerCase(Locale.ROOT), MAX_FILE_NAME_LENGTH);
    body.attachments.add(new InboundAttachment(contentType == null ? "application/octet-stream" : contentType, name,
        data));
  }

  /**
   * Reads the mail itself being a multipart/report that carries a message/delivery-status part (RFC 3464)
   * as a bounce: the other parts are read as usual, the returned mail's Message-ID says which of ours failed. Only such a report is
   * a bounce: a resident who forwards or quotes the desk's mail (message/rfc822 anywhere else) wrote a
   * message, and it must not mark the desk's mail failed nor vanish from their case. False, with nothing
   * read, for any other report.
   */
  private boolean report(Multipart report, Body body) throws MessagingException, IOException {
    // One pass to decide, a second to read the text: a report without delivery status is read as any multipart.
    String status = null;
    String original = null;
    for (int i = 0; i < report.getCount(); i++) {
      BodyPart child = report.getBodyPart(i);
      String base = contentType(child).getBaseType().toLowerCase(Locale.ROOT);
      if (base.equals("message/delivery-status") && status == null) {
        status = head(child);
      } else if ((base.equals("message/rfc822") || base.equals("text/rfc822-headers")) && original == null) {
        Matcher m = MESSAGE_ID_LINE.matcher(head(child));
        original = m.find() ? messageKey(m.group(1)) : null;
      }
    }
    if (status == null) {
      return false;
    }
    for (int i = 0; i < report.getCount(); i++) {
      BodyPart child = report.getBodyPart(i);
      String base = contentType(child).getBaseType().toLowerCase(Locale.ROOT);
      if (!REPORT_PARTS.contains(base)) {
        walk(child, body, false, 1);
      }
    }
    Matcher diagnostic = DIAGNOSTIC.matcher(status);
    Matcher code = STATUS.matcher(status);
    String reason = diagnostic.find() ? InboundText.oneLine(diagnostic.group(1), MAX_BOUNCE_REASON_LENGTH)
        : code.find() ? "status " + code.group(1) : null;
    List<String> recipients = new ArrayList<>();
    Matcher recipient = RECIPIENT.matcher(status);
    while (recipient.find() && recipients.size() < MAX_BOUNCE_RECIPIENTS) {
      recipients.add(recipient.group(1).toLowerCase(Locale.ROOT));
    }
    body.bounce = new ParsedMail.Bounce(original, reason == null ? "delivery failed" : reason, List.copyOf(recipients));
    return true;
  }

  /** A plain-text part's text; a flowed one (RFC 3676, iPhone and Thunderbird) with its soft line breaks undone. */
  private static String plain(byte[] bytes, ContentType type) {
    String text = JapaneseCharsets.decode(bytes, type.getParameter("charset"));
    return "flowed".equalsIgnoreCase(type.getParameter("format"))
        ? unflowed(text, "yes".equalsIgnoreCase(type.getParameter("delsp"))) : text;
  }

  /**
   * RFC 3676: a line ending in a space goes on in the next (that space dropped too with {@code delsp=yes}, as mailers
   * writing Japanese use it, which has no spaces between words); a leading space was added to protect the line
   * (space-stuffing). Quoted lines and the signature separator keep their breaks.
   */
  static String unflowed(String text, boolean delsp) {
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("\r?\n", -1)) {
      if (line.startsWith(" ")) {
        line = line.substring(1);
      }
      boolean soft = line.endsWith(" ") && !line.equals("-- ") && !line.startsWith(">");
      out.append(soft && delsp ? line.substring(0, line.length() - 1) : line);
      if (!soft) {
        out.append('\n');
      }
    }
    // The split's last piece is what follows the last break: its own break was never there.
    return out.length() > 0 && out.charAt(out.length() - 1) == '\n' ? out.substring(0, out.length() - 1) : out.toString();
  }

  /** An HTML part's text, in the charset its header names or, without one, the one its own {@code <meta>} names. */
  private static String html(byte[] bytes, ContentType type) {
    String label = type.getParameter("charset");
    if (label == null) {
      Matcher meta = META_CHARSET.matcher(new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1));
      label = meta.find() ? meta.group(1) : null;
    }
    return JapaneseCharsets.decode(bytes, label);
  }

  /** The sender is a mail system (a bounce, whatever its form), not a person. */
  private static boolean mailSystem(String address) {
    String local = address.substring(0, address.indexOf('@')).toLowerCase(Locale.ROOT);
    return local.equals("mailer-daemon") || local.equals("postmaster");
  }

  /**
   * A bounce that is not an RFC 3464 report, as many mail systems still send (Exim's, carriers', old Postfix and
   * qmail): the returned mail's Message-ID is a header line somewhere below the bounce's own headers (in its text or a
   * returned part), the failed addresses are the addresses it names, the reason its first line with an SMTP code.
   * The Message-ID decides which of the desk's mails failed, and only when the mail went to one of those addresses.
   */
  private static ParsedMail.Bounce plainBounce(byte[] raw, String text) {
    int body = bodyStart(raw);
    String below = new String(raw, body, Math.min(raw.length - body, MAX_PLAIN_BOUNCE_CHARS), StandardCharsets.ISO_8859_1);
    Matcher id = MESSAGE_ID_LINE.matcher(below);
    String original = id.find() ? messageKey(id.group(1)) : null;
    List<String> recipients = new ArrayList<>();
    Matcher address = NAMED_ADDRESS.matcher(below);
    while (address.find() && recipients.size() < MAX_BOUNCE_RECIPIENTS) {
      String found = address.group().toLowerCase(Locale.ROOT);
      if (!recipients.contains(found)) {
        recipients.add(found);
      }
    }
    Matcher reason = SMTP_REPLY.matcher(text.length() > MAX_PLAIN_BOUNCE_CHARS ? text.substring(0, MAX_PLAIN_BOUNCE_CHARS) : text);
    return new ParsedMail.Bounce(original,
        reason.find() ? InboundText.oneLine(reason.group().strip(), MAX_BOUNCE_REASON_LENGTH) : "delivery failed",
        List.copyOf(recipients));
  }

  /** Where the mail's own headers end (the first empty line); the whole mail when there is none. */
  private static int bodyStart(byte[] raw) {
    for (int i = 0; i + 1 < raw.length; i++) {
      if (raw[i] == '\n' && (raw[i + 1] == '\n' || raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n')) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The first {@link #MAX_REPORT_PART_CHARS} of a report's part, one character a byte. */
  private static String head(Part part) throws MessagingException, IOException {
    try (InputStream in = content(part)) {
      return new String(in.readNBytes(MAX_REPORT_PART_CHARS), StandardCharsets.ISO_8859_1);
    }
  }

  private static byte[] bytes(Part part) throws MessagingException, IOException {
    try (InputStream in = content(part)) {
      return in.readAllBytes();
    }
  }

  /**
   * A part's decoded content; where its transfer encoding cannot be decoded (unknown, or broken base64), its bytes as
   * they stand, which for a text part are still mostly the resident's words.
   */
  private static InputStream content(Part part) throws MessagingException, IOException {
    try {
      return part.getInputStream();
    } catch (MessagingException | IOException e) {
      return raw(part);
    }
  }

  /** A part's content before any transfer decoding. */
  private static InputStream raw(Part part) throws MessagingException {
    if (part instanceof MimeBodyPart mime) {
      return mime.getRawInputStream();
    }
    if (part instanceof MimeMessage mime) {
      return mime.getRawInputStream();
    }
    throw new MessagingException("no raw content");
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
    return name == null ? null : InboundText.oneLine(EncodedWords.decode(name), MAX_FILE_NAME_LENGTH);
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
      // A bare address is the last word: only that word is matched, and one longer than an address can be is
      // handed on as it is (and refused as too long) without a match, so a long From cannot make it backtrack.
      String[] words = withoutComments(unfolded).trim().split("\\s+");
      String last = words[words.length - 1];
      Matcher plain = ADDRESS.matcher(last);
      candidate = last.length() > MAX_ADDRESS_LENGTH + 2 ? last : plain.find() ? plain.group(1) : null;
    }
    return candidate != null && candidate.contains("@") ? candidate : null;
  }

  /**
   * The header without its comments, each ( to the next ): what {@code replaceAll("\\(.*?\\)", "")} gave, in one
   * pass (the pattern took quadratic time on many ( without a )).
   */
  private static String withoutComments(String header) {
    StringBuilder out = new StringBuilder(header.length());
    int at = 0;
    while (at < header.length()) {
      int open = header.indexOf('(', at);
      int close = open < 0 ? -1 : header.indexOf(')', open + 1);
      if (close < 0) {
        break;
      }
      out.append(header, at, open);
      at = close + 1;
    }
    return out.append(header, at, header.length()).toString();
  }

  private static String name(String from) {
    if (from == null) {
      return null;
    }
    String unfolded = from.replaceAll("\\r?\\n[ \\t]", " ").trim();
    int lt = unfolded.lastIndexOf('<');
    if (lt <= 0) {
      // From the first ( to the last ), as the pattern \((.+)\) found it, without its quadratic search.
      int open = unfolded.indexOf('(');
      int close = unfolded.lastIndexOf(')');
      return open >= 0 && close > open + 1 ? blankToNull(EncodedWords.decode(unfolded.substring(open + 1, close))) : null;
    }
    String name = EncodedWords.decode(unfolded.substring(0, lt).trim());
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      name = name.substring(1, name.length() - 1).replace("\\\"", "\"");
    }
    return blankToNull(name.trim());
  }

  /**
   * Whether the From names {@code address} and nothing else, read as a mail server judging it (DMARC) reads it: one
   * From header, one mailbox, its address outside every comment and quoted name, nothing but a plain name before it
   * and nothing after it. The lenient reading that files a mail takes the last {@code <…>} anywhere, also inside a
   * comment or a quoted name, so {@code a@x (<b@x>)} would be judged as a@x and filed as b@x. No address syntax is
   * checked beyond that: Japanese carriers' old addresses ({@code taro..yamada@docomo.ne.jp}) are real.
   *
   * <p>A raw Shift_JIS name may hold a second byte that reads as {@code \}; a verifier takes it for an escape, the
   * writer meant a character. The header is read both ways, and only a From both readings agree on is trusted: an
   * attacker who plants such a byte to end a comment early for one reader gets no mark of trust.
   */
  private static boolean unambiguous(MimeMessage message, String from, String address) throws MessagingException {
    String[] froms = message.getHeader("From");
    if (froms == null || froms.length != 1) {
      return false;
    }
    String escaped = mailbox(from, false);
    String raw = mailbox(from, true);
    return escaped != null && escaped.equals(raw) && escaped.equalsIgnoreCase(address);
  }

  /**
   * The one address a From names, or {@code null} when it names none, several, or anything a plain reader and a
   * careful one could read apart (text after the address, an {@code @} or bracket in an unquoted name).
   *
   * @param shiftJisBytes a {@code \} right after a byte of 0x80 or more is the second byte of a Shift_JIS
   *                      character, not an escape
   */
  private static String mailbox(String from, boolean shiftJisBytes) {
    String outside = outsideCommentsAndQuotes(from, shiftJisBytes);
    if (outside == null || outside.indexOf(',') >= 0 || outside.indexOf(':') >= 0 || outside.indexOf(')') >= 0) {
      return null;
    }
    int open = outside.indexOf('<');
    if (open < 0) {
      String bare = outside.trim();
      return bare.isEmpty() || bare.indexOf(' ') >= 0 ? null : bare;
    }
    int close = outside.indexOf('>', open);
    String name = outside.substring(0, open);
    if (close < 0 || !outside.substring(close + 1).isBlank()
        || name.chars().anyMatch(c -> c == '@' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\')) {
      return null;
    }
    String named = outside.substring(open + 1, close).trim();
    return named.isEmpty() || named.indexOf(' ') >= 0 || named.indexOf('<') >= 0 ? null : named;
  }

  /**
   * The header with every comment and every quoted name replaced by a space, in one pass; a quoted local part inside
   * {@code <…>} stays, as part of the address. {@code null} when a quote or comment is left open.
   */
  private static String outsideCommentsAndQuotes(String header, boolean shiftJisBytes) {
    StringBuilder out = new StringBuilder(header.length());
    int depth = 0;
    boolean quoted = false;
    boolean inAngle = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      boolean escape = c == '\\' && (quoted || depth > 0)
          && !(shiftJisBytes && i > 0 && header.charAt(i - 1) >= 0x80);
      if (escape) {
        if (quoted && inAngle && i + 1 < header.length()) {
          out.append(c).append(header.charAt(i + 1));
        }
        i++;
      } else if (quoted) {
        quoted = c != '"';
        if (inAngle) {
          out.append(c);
        }
      } else if (depth > 0) {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      } else if (c == '"') {
        quoted = true;
        out.append(inAngle ? '"' : ' ');
      } else if (c == '(') {
        depth = 1;
        out.append(' ');
      } else {
        inAngle = c == '<' || (inAngle && c != '>');
        out.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
      }
    }
    return quoted || depth > 0 ? null : out.toString();
  }

  /** Every {@code Authentication-Results} header, unfolded, in the order they stand (the topmost was added last). */
  private static List<String> authenticationResults(MimeMessage message) throws MessagingException {
    String[] headers = message.getHeader("Authentication-Results");
    if (headers == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(headers.length);
    for (String h : headers) {
      out.add(MimeUtility.unfold(h));
    }
    return out;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String messageId(MimeMessage message, byte[] raw) throws MessagingException {
    String id = header(message, "Message-ID");
    if (id != null) {
      Matcher m = ANGLE.matcher(id);
      String key = messageKey(m.find() ? "<" + m.group(1) + ">" : id);
      if (key != null) {
        return key;
      }
    }
    return "sha256:" + sha256(raw);
  }

  /**
   * A Message-ID as stored and looked up: cleaned like message text, and one longer than the
   * database takes replaced by its hash. The same mapping applies wherever an id appears (the
   * mail's own, In-Reply-To, References, a bounce's), so a reply to such a mail still finds its case.
   * {@code null} when nothing is left.
   */
  static String messageKey(String id) {
    String clean = InboundText.oneLine(id, Integer.MAX_VALUE);
    if (clean == null) {
      return null;
    }
    return clean.length() <= InboundMessage.MAX_REF_LENGTH ? clean
        : "sha256-id:" + sha256(clean.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key a mail is stored under when another sender's mail (or the desk's own) already holds its Message-ID:
   * the id and the sender together, so the same mail fetched again is still stored once.
   */
  static String senderMessageKey(String messageKey, String fromAddress) {
    return "sha256-from-id:" + sha256((fromAddress.toLowerCase(java.util.Locale.ROOT) + "\n" + messageKey)
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
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
        String key = messageKey("<" + m.group(1) + ">");
        if (key != null) {
          found.add(key);
        }
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
    return mailSystem(address);
  }

  private static Instant date(MimeMessage message) {
    try {
      return message.getSentDate() == null ? null : message.getSentDate().toInstant();
    } catch (MessagingException e) {
      return null;
    }
  }
}
