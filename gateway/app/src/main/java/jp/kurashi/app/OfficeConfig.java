package jp.kurashi.app;

import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.office.OfficeProfile;

import java.util.List;

/**
 * One office (desk) this deployment serves: its code, its profile and the channels its own settings switched on.
 *
 * @param code     {@code default} without {@code OFFICES_FILE}; otherwise the code from the file, which also names its
 *                 public paths ({@code /webhook/line/{code}}, {@code /chat/{code}})
 * @param channels in position order
 */
public record OfficeConfig(String code, OfficeProfile profile, List<ChannelSetup> channels) {

  public OfficeConfig {
    channels = List.copyOf(channels);
  }
}
