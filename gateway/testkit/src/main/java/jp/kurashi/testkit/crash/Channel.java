package jp.kurashi.testkit.crash;

/** The three resident channels, named as the gateway stores them. */
enum Channel {
  WEBCHAT("webchat", "w"), LINE("line", "l"), MAIL("mail", "m");

  final String code;
  final String letter;

  Channel(String code, String letter) {
    this.code = code;
    this.letter = letter;
  }
}
