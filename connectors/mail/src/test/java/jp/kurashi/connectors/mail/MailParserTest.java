package jp.kurashi.connectors.mail;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Reading Japanese mail")
class MailParserTest {

  private final MailParser parser = new MailParser(1024 * 1024);

  @Test
  @DisplayName("decodes ISO-2022-JP from a carrier phone with ①, ㈱, № and 髙﨑 intact, subject folded mid-character")
  void carrierPhone() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("carrier-iso2022jp.eml"));

    assertThat(mail.subject()).isEqualTo("①家賃の相談です(髙﨑)");
    assertThat(mail.fromName()).isEqualTo("髙﨑 花子");
    assertThat(mail.fromAddress()).isEqualTo("takasaki.hanako@docomo.ne.jp");
    assertThat(mail.text()).contains("髙﨑と申します", "①家賃", "②勤め先の㈱○○", "№123").doesNotContain("\uFFFD");
    assertThat(mail.messageId()).isEqualTo("<20261125221403.A1B2C3@docomo.ne.jp>");
    assertThat(mail.automated()).isFalse();
    // The fixture is meaningful: a plain ISO-2022-JP decoder loses these characters.
    String plain = new String(Fixtures.raw("carrier-iso2022jp.eml"), java.nio.charset.Charset.forName("ISO-2022-JP"));
    assertThat(plain).contains("\uFFFD");
  }

  @Test
  @DisplayName("decodes Shift_JIS as windows-31j, half-width kana and circled numbers included")
  void shiftJis() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("shift-jis.eml"));

    assertThat(mail.subject()).isEqualTo("借金の返済について");
    assertThat(mail.fromName()).isEqualTo("鈴木 一郎");
    assertThat(mail.text()).contains("消費者金融３社", "ﾊﾝｶｸｶﾅ", "①").doesNotContain("\uFFFD");
  }

  @Test
  @DisplayName("turns an Outlook HTML mail into text and keeps the inline image as an attachment")
  void outlookHtml() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("outlook-html.eml"));

    assertThat(mail.subject()).isEqualTo("督促状が届きました");
    assertThat(mail.text()).isEqualTo("お世話になっております。\n添付の写真は督促状です。\nどうすればよいでしょうか。");
    assertThat(mail.text()).doesNotContain("alert", "color:red", "<");
    assertThat(mail.attachments()).hasSize(1);
    assertThat(mail.attachments().get(0).contentType()).isEqualTo("image/png");
    assertThat(mail.attachments().get(0).fileName()).isEqualTo("image001.png");
  }

  @Test
  @DisplayName("prefers text/plain in a Gmail reply and reads its threading headers")
  void gmailReply() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("gmail-reply.eml", "IN_REPLY_TO", "<desk-1@kurashi.example>"));

    assertThat(mail.text()).startsWith("ありがとうございます。来週の火曜日なら伺えます。").contains("> 窓口での面談");
    assertThat(mail.text()).doesNotContain("HTML version");
    assertThat(mail.references()).containsExactly("<desk-1@kurashi.example>", "<20261125221403.A1B2C3@docomo.ne.jp>");
    assertThat(mail.subject()).contains("[KS-999999]");
  }

  @Test
  @DisplayName("recognises an out-of-office reply as automated")
  void outOfOffice() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("out-of-office.eml"));
    assertThat(mail.automated()).isTrue();
    assertThat(mail.subject()).isEqualTo("自動応答: 不在のお知らせ");
  }

  @Test
  @DisplayName("reads a resident's forward of the desk's mail (message/rfc822) as their message, not a bounce")
  void forwardIsNotABounce() throws Exception {
    String raw = """
        From: ichiro.suzuki@example.ne.jp\r
        Subject: Fwd: Re: test\r
        Message-ID: <fwd-1@example.ne.jp>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b"\r
        \r
        --b\r
        Content-Type: text/plain; charset=us-ascii\r
        \r
        see below\r
        --b\r
        Content-Type: message/rfc822\r
        \r
        From: desk@kurashi.example\r
        Message-ID: <out-42@kurashi.example>\r
        \r
        words\r
        --b--\r
        """;
    ParsedMail mail = parser.parse(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    assertThat(mail.bounce()).isNull();
    assertThat(mail.automated()).isFalse();
    assertThat(mail.text()).contains("see below");
    assertThat(mail.attachments()).extracting(a -> a.contentType()).containsExactly("message/rfc822");
  }

  @Test
  @DisplayName("reads a DSN bounce: which of our mails failed and the server's reason")
  void bounce() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("dsn-bounce.eml", "BOUNCED_ID", "<out-42@kurashi.example>"));

    assertThat(mail.automated()).isTrue();
    assertThat(mail.bounce()).isNotNull();
    assertThat(mail.bounce().originalMessageId()).isEqualTo("<out-42@kurashi.example>");
    assertThat(mail.bounce().reason()).contains("550 5.1.1").contains("User unknown");
    assertThat(mail.bounce().recipients()).containsExactly("ichiro.suzuki@example.ne.jp");
  }

  @Test
  @DisplayName("reads a plain-text bounce (Exim's, a carrier's): the returned Message-ID, the failed address, the SMTP reply")
  void plainBounce() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("plain-bounce.eml", "BOUNCED_ID", "<out-44@kurashi.example>"));

    assertThat(mail.automated()).isTrue();
    assertThat(mail.bounce()).isNotNull();
    assertThat(mail.bounce().originalMessageId()).as("the returned mail's, not the bounce's own")
        .isEqualTo("<out-44@kurashi.example>");
    assertThat(mail.bounce().recipients()).contains("ichiro.suzuki@example.ne.jp");
    assertThat(mail.bounce().reason()).startsWith("550 5.1.1").contains("User unknown");
    // From a person, the same words are a message.
    byte[] person = new String(Fixtures.raw("plain-bounce.eml", "BOUNCED_ID", "<out-44@kurashi.example>"),
        java.nio.charset.StandardCharsets.UTF_8).replace("Mailer-Daemon@", "taro@").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(parser.parse(person).bounce()).isNull();
  }

  @Test
  @DisplayName("reads the returned Message-ID of a bounce whose server folded that header")
  void foldedBounce() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.deliveryReport("MAILER-DAEMON@mx.example.org", "<b@mx>", "a@b.example",
        "\r\n <out-43@kurashi.city.example.lg.jp>"));
    assertThat(mail.bounce().originalMessageId()).isEqualTo("<out-43@kurashi.city.example.lg.jp>");
  }

  @Test
  @DisplayName("reads a body labelled ISO-2022-JP that is really UTF-8 as UTF-8")
  void mislabeledUtf8() throws Exception {
    ParsedMail mail = parser.parse(Fixtures.raw("mislabeled-utf8.eml"));
    assertThat(mail.text()).contains("渡邉 髙志", "ガスが止まりそうです").doesNotContain("\uFFFD");
    assertThat(mail.subject()).isEqualTo("相談フォーム");
  }

  @Test
  @DisplayName("keeps the text of a mail one of whose parts cannot be decoded, and lists that part for staff")
  void oneUnreadablePart() throws Exception {
    ParsedMail mail = parser.parse(("""
        From: 山田 <yamada@example.jp>\r
        To: desk@kurashi.example\r
        Subject: =?UTF-8?B?5a625oOF44Gu55u46KuH?=\r
        Message-ID: <odd-1@example.jp>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain; charset=UTF-8\r
        Content-Transfer-Encoding: 8bit\r
        \r
        家賃を3か月滞納しています。\r
        --b1\r
        Content-Type: application/octet-stream; name="scan.hqx"\r
        Content-Transfer-Encoding: x-binhex\r
        Content-Disposition: attachment; filename="scan.hqx"\r
        \r
        (This file must be converted with BinHex 4.0)\r
        --b1\r
        Content-Type: multipart/related; boundary="never-there"\r
        \r
        no boundary here\r
        --b1--\r
        """).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(mail.text()).contains("家賃を3か月滞納しています");
    assertThat(mail.attachments().size() + mail.skipped().size()).as("the odd parts kept or listed, not lost unsaid")
        .isGreaterThanOrEqualTo(2);
    assertThat(mail.skipped()).as("the multipart whose boundary never comes, listed for staff")
        .anyMatch(s -> s.startsWith("multipart/related"));
  }

  @Test
  @DisplayName("reads a mail labelled multipart whose boundary never comes as the text it is")
  void boundaryNeverComes() throws Exception {
    ParsedMail mail = parser.parse(("""
        From: yamada@example.jp\r
        To: desk@kurashi.example\r
        Subject: soudan\r
        Message-ID: <odd-2@example.jp>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        仕事を失って、来月の家賃が払えません。\r
        """).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(mail.text()).contains("仕事を失って、来月の家賃が払えません");
  }

  @Test
  @DisplayName("refuses a mail with no sender and a broken structure")
  void broken() {
    assertThatThrownBy(() -> parser.parse(Fixtures.raw("broken.eml"))).isInstanceOf(MalformedMailException.class);
  }

  @Test
  @DisplayName("decodes encoded words as their Microsoft supersets in any header")
  void encodedWords() {
    assertThat(EncodedWords.decode("=?iso-2022-jp?B?GyRCLSEbKEI=?=")).isEqualTo("①");
    assertThat(EncodedWords.decode("=?UTF-8?Q?=E7=9B=B8=E8=AB=87?= =?UTF-8?Q?=E3=81=A7=E3=81=99?=")).isEqualTo("相談です");
    assertThat(EncodedWords.decode("Re: plain subject")).isEqualTo("Re: plain subject");
  }

  private static byte[] mail(String headers, byte[]... parts) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(("From: resident@example.jp\r\nTo: desk@kurashi.example\r\nMessage-ID: <m@example.jp>\r\n"
        + "MIME-Version: 1.0\r\n" + headers).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (byte[] part : parts) {
      out.write(part);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  @DisplayName("keeps the words after a photo put in the middle of the text (Apple Mail's text, image, text) as text")
  void textAfterAPhoto() throws Exception {
    ParsedMail mail = parser.parse(("""
        From: resident@example.jp
        Message-ID: <apple-1@example.jp>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b"
        
        --b
        Content-Type: text/plain; charset=utf-8
        
        写真を送ります。
        --b
        Content-Type: image/jpeg; name="IMG_0001.jpeg"
        Content-Disposition: inline; filename="IMG_0001.jpeg"
        Content-Transfer-Encoding: base64
        
        /9j/4AAQSkZJRgABAQAAAQABAAD/2w==
        --b
        Content-Type: text/plain; charset=utf-8
        
        夫に殴られています。助けてください。
        --b
        Content-Type: text/plain; charset=utf-8; name="memo.txt"
        Content-Disposition: inline; filename="memo.txt"
        
        a file of its own
        --b--
        """).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(mail.text()).contains("写真を送ります。").contains("夫に殴られています。助けてください。")
        .doesNotContain("a file of its own");
    assertThat(mail.attachments()).extracting(a -> a.fileName()).containsExactlyInAnyOrder("IMG_0001.jpeg", "memo.txt");
  }

  @Test
  @DisplayName("reads the HTML when the plain-text alternative beside it is blank")
  void blankPlainAlternative() throws Exception {
    ParsedMail mail = parser.parse(mail("Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n",
        ascii("--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n--b\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n\r\n"),
        "<div>家賃が払えません</div>\r\n--b--\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertThat(mail.text()).isEqualTo("家賃が払えません");
  }

  @Test
  @DisplayName("loses one stray byte of a UTF-8 mail, not the whole text to mojibake")
  void strayByteInUtf8() throws Exception {
    byte[] vietnamese = "Xin chào, tôi cần giúp đỡ. Tôi mất việc và không còn tiền mua thức ăn."
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] japanese = "仕事を失い、食べる物がありません。助けてください。".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte[] text : java.util.List.of(vietnamese, japanese)) {
      byte[] body = java.util.Arrays.copyOf(text, text.length + 1);
      body[text.length] = (byte) 0x96; // a cp1252 dash pasted in
      ParsedMail mail = parser.parse(mail("Content-Type: text/plain; charset=UTF-8\r\n\r\n", body));
      String expected = new String(text, java.nio.charset.StandardCharsets.UTF_8);
      assertThat(mail.text()).isEqualTo(expected + "\uFFFD");
      // Unlabelled, the same bytes are read the same way.
      assertThat(parser.parse(mail("Content-Type: text/plain\r\n\r\n", body)).text()).isEqualTo(expected + "\uFFFD");
    }
  }

  @Test
  @DisplayName("reads Chinese and Korean legacy labels as the supersets their senders write (GBK, Windows-949, Windows-950)")
  void legacyChineseAndKorean() throws Exception {
    String[][] cases = {
        {"gb2312", "GB18030", "我叫王喆，失业了"},
        {"ks_c_5601-1987", "x-windows-949", "똠방각하, 일자리를 잃었어요"},
        {"big5", "x-windows-950", "我失業了，碁"},
    };
    for (String[] c : cases) {
      byte[] body = c[2].getBytes(java.nio.charset.Charset.forName(c[1]));
      ParsedMail mail = parser.parse(mail("Content-Type: text/plain; charset=" + c[0] + "\r\n\r\n", body));
      assertThat(mail.text()).as(c[0]).isEqualTo(c[2]);
      // The fixture is meaningful: the label's own table loses a character.
      assertThat(new String(body, java.nio.charset.Charset.forName(c[0].equals("ks_c_5601-1987") ? "EUC-KR" : c[0])))
          .as(c[0] + " read by its plain table").isNotEqualTo(c[2]);
    }
  }

  @Test
  @DisplayName("reads unlabelled EUC-JP as EUC-JP, and an HTML part in the charset its <meta> names; unlabelled Shift_JIS stays Shift_JIS")
  void unlabelledJapanese() throws Exception {
    String text = "生活が苦しいです。家賃を払えません。";
    byte[] euc = text.getBytes(java.nio.charset.Charset.forName("EUC-JP"));
    assertThat(parser.parse(mail("Content-Type: text/plain\r\n\r\n", euc)).text()).isEqualTo(text);
    byte[] sjis = text.getBytes(java.nio.charset.Charset.forName("windows-31j"));
    assertThat(parser.parse(mail("Content-Type: text/plain\r\n\r\n", sjis)).text()).isEqualTo(text);
    byte[] halfWidth = "ｶﾈｶﾞﾅｲ ﾀｽｹﾃ".getBytes(java.nio.charset.Charset.forName("windows-31j"));
    assertThat(parser.parse(mail("Content-Type: text/plain\r\n\r\n", halfWidth)).text()).isEqualTo("ｶﾈｶﾞﾅｲ ﾀｽｹﾃ");

    byte[] html = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-jp\"></head><body><p>"
        + text + "</p></body></html>").getBytes(java.nio.charset.Charset.forName("EUC-JP"));
    assertThat(parser.parse(mail("Content-Type: text/html\r\n\r\n", html)).text()).isEqualTo(text);
    byte[] html5 = ("<meta charset=\"gbk\"><p>我叫王喆</p>").getBytes(java.nio.charset.Charset.forName("GB18030"));
    assertThat(parser.parse(mail("Content-Type: text/html\r\n\r\n", html5)).text()).isEqualTo("我叫王喆");
  }

  @Test
  @DisplayName("finds the sender of a From whose address a mailer encoded with the name, or of a group From with a Sender")
  void unusualFrom() throws Exception {
    String encoded = java.util.Base64.getEncoder().encodeToString("山田 太郎 <Taro@example.jp>"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ParsedMail mail = parser.parse(("From: =?UTF-8?B?" + encoded + "?=\r\nMessage-ID: <f-1@example.jp>\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n\r\nsoudan desu\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(mail.fromAddress()).isEqualTo("taro@example.jp");
    assertThat(mail.fromName()).isEqualTo("山田 太郎");
    assertThat(mail.fromUnambiguous()).as("not as its From says it").isFalse();

    ParsedMail group = parser.parse(("From: undisclosed-recipients:;\r\nSender: Hanako <hanako@example.jp>\r\n"
        + "Message-ID: <f-2@example.jp>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsoudan desu\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(group.fromAddress()).isEqualTo("hanako@example.jp");
    assertThat(group.fromUnambiguous()).isFalse();
  }

  @Test
  @DisplayName("reads HTML as it shows: <pre> keeps its lines, <hr> breaks, what a mailer hides is left out")
  void htmlAsShown() throws Exception {
    String html = "<div style=\"display:none;max-height:0\">今月のおすすめ情報</div><p>家賃について</p><hr>"
        + "<pre>1月 払えた\n2月 払えない\n3月 払えない</pre><span hidden>tracking</span>";
    ParsedMail mail = parser.parse(mail("Content-Type: text/html; charset=utf-8\r\n\r\n",
        html.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(mail.text()).isEqualTo("家賃について\n1月 払えた\n2月 払えない\n3月 払えない");
  }

  @Test
  @DisplayName("undoes the soft line breaks of a flowed text (RFC 3676), the space too with delsp=yes")
  void flowed() throws Exception {
    byte[] body = "家賃を三か月 \r\n滞納しています。\r\n\r\n> 引用 \r\n>  です\r\n--  \r\n山田\r\n"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ParsedMail mail = parser.parse(mail("Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n",
        body));
    assertThat(mail.text()).startsWith("家賃を三か月滞納しています。\n\n> 引用 \n").contains("山田");
    assertThat(MailParser.unflowed("I lost my \njob.", false)).isEqualTo("I lost my job.");
    assertThat(MailParser.unflowed(" From me", false)).as("space-stuffed").isEqualTo("From me");
    assertThat(MailParser.unflowed("最後の行 ", true)).as("a soft break at the very end loses nothing more")
        .isEqualTo("最後の行");
    assertThat(MailParser.unflowed("a\nb", true)).isEqualTo("a\nb");
  }
}
