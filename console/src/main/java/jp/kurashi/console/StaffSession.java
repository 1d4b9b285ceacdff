package jp.kurashi.console;

import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.StaffMember;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The logged-in staff member of a request, put there by {@link SessionAuthHandler}; the two flags are what
 * {@link FirstLoginGate} needs to know whether the account still owes a first-login step.
 */
public record StaffSession(StaffMember staff, String tokenHash, String csrfToken, boolean mustChangePassword,
                           boolean totpEnabled) {

  private static final String KEY = "kurashi.staffSession";

  /**
   * This session's name in the audit log: derived from the token's hash and not reversible to it, so a row tells the
   * sessions of one staff member apart (two browsers, a shared PC left logged in) without holding anything that opens
   * one.
   */
  public String auditId() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("audit:" + tokenHash).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  /** The session of an authenticated request; routes behind the auth handler always have one. */
  public static StaffSession of(RoutingContext ctx) {
    StaffSession session = ctx.get(KEY);
    if (session == null) {
      throw ApiException.unauthorized();
    }
    return session;
  }
}
