package jp.kurashi.core.config;

/**
 * A setting is missing or has a value the gateway cannot use. The message names the setting
 * and is printed as the one line the process exits with.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
