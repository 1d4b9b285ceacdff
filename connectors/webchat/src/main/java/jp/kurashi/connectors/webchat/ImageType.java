package jp.kurashi.connectors.webchat;

import java.util.Optional;

/** Tells JPEG and PNG apart by their first bytes, whatever the client claimed. */
final class ImageType {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private ImageType() {
  }

  static Optional<String> detect(byte[] data) {
    if (data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8 && (data[2] & 0xFF) == 0xFF) {
      return Optional.of("image/jpeg");
    }
    if (data.length >= PNG.length) {
      for (int i = 0; i < PNG.length; i++) {
        if (data[i] != PNG[i]) {
          return Optional.empty();
        }
      }
      return Optional.of("image/png");
    }
    return Optional.empty();
  }
}
