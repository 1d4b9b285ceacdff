package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.ext.auth.otp.Authenticator;
import io.vertx.ext.auth.otp.OtpCredentials;
import io.vertx.ext.auth.otp.OtpKey;
import io.vertx.ext.auth.otp.OtpKeyGenerator;
import io.vertx.ext.auth.otp.totp.TotpAuth;

/**
 * The optional second factor: time-based one-time codes (RFC 6238, 30 s, 6 digits, SHA-1), as any
 * authenticator app makes them, checked with vertx-auth-otp.
 */
final class SecondFactor {

  static final String ISSUER = "Kurashi Gateway";

  private SecondFactor() {
  }

  /** A new random secret (base32) for the authenticator app. */
  static OtpKey newKey() {
    return OtpKeyGenerator.create().generate();
  }

  /** The otpauth:// URI an authenticator app reads (usually as a QR code). */
  static String uri(OtpKey key, String login) {
    return TotpAuth.create().generateUri(key, ISSUER, login);
  }

  /** Succeeds when {@code code} is the current (or adjacent) code for {@code secret}. */
  static Future<Void> check(String secret, String identifier, String code) {
    if (code == null || !code.matches("\\d{6}")) {
      return Future.failedFuture("code must be 6 digits");
    }
    TotpAuth totp = TotpAuth.create()
        .authenticatorFetcher(id -> Future.succeededFuture(new Authenticator().setIdentifier(id).setKey(secret)
            .setAlgorithm("SHA1")))
        .authenticatorUpdater(a -> Future.succeededFuture());
    return totp.authenticate(new OtpCredentials(identifier, code)).mapEmpty();
  }
}
