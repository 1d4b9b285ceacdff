package jp.kurashi.core.store;

/** The row asked for does not exist. */
public final class NotFoundException extends RuntimeException {

  public NotFoundException(String what) {
    super(what + " not found", null, false, false);
  }
}
