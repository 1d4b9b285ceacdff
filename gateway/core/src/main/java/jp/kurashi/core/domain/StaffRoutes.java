package jp.kurashi.core.domain;

import java.util.List;

/**
 * The codes of 相談経路 and of the staff-recorded case (issue 16 items 1 and 2): the routes by which staff take a
 * consultation that came by no online channel, who consulted, who sent them, and the contacts staff make.
 */
public final class StaffRoutes {

  /** Routes of a consultation staff record; a case opened so has the route as its channel, and no channel to reply on. */
  public static final List<String> ROUTES = List.of("phone", "walk_in", "outreach", "referral");
  public static final List<String> CONSULTERS = List.of("self", "family", "acquaintance", "agency");
  public static final List<String> REFERRAL_SOURCES = List.of("agency", "neighbour", "former_client", "ward_office",
      "self");
  public static final List<String> CONTACT_KINDS = List.of("phone_call", "visit", "accompany", "agency_meeting");
  /** Longest consultation text staff may record (as long as a resident's longest message) and contact note. */
  public static final int MAX_TEXT = 10_000;
  public static final int MAX_NOTE = 2000;
  public static final int MAX_NAME = 100;

  private StaffRoutes() {
  }

  /** True when cases of {@code channel} were recorded by staff: nothing can be sent to them. */
  public static boolean isStaffRoute(String channel) {
    return ROUTES.contains(channel);
  }
}
