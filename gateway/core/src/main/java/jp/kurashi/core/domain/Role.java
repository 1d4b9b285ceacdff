package jp.kurashi.core.domain;

import java.util.Locale;

/**
 * What a staff member may do.
 */
public enum Role {
  /** Staff accounts, settings, templates, partner agencies. */
  ADMIN,
  /** 主任相談支援員: every case of the office, assignments, audit, reports. */
  CHIEF,
  /** 相談支援員: full content of their own cases only. */
  CONSULTANT,
  /** 法人本部: every office's counts and monthly reports, never a consultation's content. */
  OPERATOR;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stored or submitted role code; unknown codes are an {@link IllegalArgumentException}. */
  public static Role fromCode(String code) {
    for (Role r : values()) {
      if (r.code().equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role: " + code);
  }
}
