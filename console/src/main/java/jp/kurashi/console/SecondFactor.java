package jp.kurashi.console;

import io.vertx.ext.auth.otp.OtpKey;
import io.vertx.ext.auth.otp.OtpKeyGenerator;
import io.vertx.ext.auth.otp.totp.TotpAuth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.OptionalLong;

/**
 * The optional second factor: time-based one-time codes (RFC 6238, 30 s, 6 digits, SHA-1), as any
 * authenticator app makes them. Keys and URIs come from vertx-auth-otp; the check is ours because it must
 * name the time step a code belongs to (a used step is stored so the code cannot be replayed) and read the
 * time from the injected clock.
 */
final class SecondFactor {

  static final String ISSUER = "Kurashi Gateway";
  private static final long STEP_SECONDS = 30;
  /** Codes of the previous and next step are accepted too: phones' clocks drift. */
  private static final int DRIFT_STEPS = 1;
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

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

  /**
   * The time step whose code {@code code} is, among the current one and its neighbours; empty when the
   * code is malformed or matches none. The caller stores the step to refuse it next time.
   */
  static OptionalLong matchingStep(String secret, String code, Clock clock) {
    if (secret == null || code == null || !code.matches("\\d{6}")) {
      return OptionalLong.empty();
    }
    byte[] key = base32(secret);
    long now = clock.instant().getEpochSecond() / STEP_SECONDS;
    // Latest first, so of two matching steps the later one is used up.
    for (long step = now + DRIFT_STEPS; step >= now - DRIFT_STEPS; step--) {
      if (MessageDigest.isEqual(code(key, step).getBytes(), code.getBytes())) {
        return OptionalLong.of(step);
      }
    }
    return OptionalLong.empty();
  }

  static String code(byte[] key, long step) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int offset = h[h.length - 1] & 0x0F;
      int binary = ((h[offset] & 0x7F) << 24) | ((h[offset + 1] & 0xFF) << 16)
          | ((h[offset + 2] & 0xFF) << 8) | (h[offset + 3] & 0xFF);
      return String.format("%06d", binary % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  static byte[] base32(String secret) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : secret.replace("=", "").toUpperCase().toCharArray()) {
      int value = BASE32.indexOf(c);
      if (value < 0) {
        continue; // spaces and dashes that apps show for readability
      }
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xFF);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
