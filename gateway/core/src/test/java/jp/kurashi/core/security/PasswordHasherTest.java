package jp.kurashi.core.security;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Argon2id password hashes")
class PasswordHasherTest {

  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  @DisplayName("verify the right password and refuse a wrong one")
  void verifies() {
    String stored = hasher.hash("くらし-2026!");
    assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hasher.verify("くらし-2026!", stored)).isTrue();
    assertThat(hasher.verify("くらし-2026?", stored)).isFalse();
  }

  @Test
  @DisplayName("salt every hash")
  void salted() {
    assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
  }

  @Test
  @DisplayName("verify hashes made with other parameters, read from the stored string")
  void readsOwnParameters() {
    PasswordHasher light = new PasswordHasher(1024, 1, 1);
    String stored = light.hash("pw");
    assertThat(stored).contains("m=1024,t=1,p=1");
    assertThat(hasher.verify("pw", stored)).isTrue();
  }

  @Test
  @DisplayName("never match a malformed stored value")
  void malformed() {
    assertThat(hasher.verify("pw", "")).isFalse();
    assertThat(hasher.verify("pw", "$argon2id$v=19$m=x$a$b")).isFalse();
    assertThat(hasher.verify("pw", "$bcrypt$whatever")).isFalse();
  }
}
