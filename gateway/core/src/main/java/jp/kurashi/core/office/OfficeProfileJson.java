package jp.kurashi.core.office;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an {@link OfficeProfile} from JSON (the format of {@code office-profile.json}); every error
 * names the field, so a desk editing its own file sees what to fix.
 */
public final class OfficeProfileJson {

  private OfficeProfileJson() {
  }

  /** The profile shipped with the gateway: a ward desk with national crisis lines. */
  public static OfficeProfile defaults() {
    try (var in = OfficeProfileJson.class.getResourceAsStream("/office-profile.json")) {
      return parse(new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** @throws IllegalArgumentException naming the field that is missing or wrong */
  public static OfficeProfile parse(JsonObject json) {
    JsonObject hours = object(json, "hours");
    JsonObject notice = object(json, "privacyNotice");
    List<Hotline> hotlines = new ArrayList<>();
    JsonArray lines = json.getJsonArray("hotlines", new JsonArray());
    for (int i = 0; i < lines.size(); i++) {
      JsonObject h = lines.getJsonObject(i);
      String where = "hotlines[" + i + "]";
      hotlines.add(new Hotline(text(h, "name", where), string(h, "number", where), text(h, "hours", where)));
    }
    return new OfficeProfile(
        text(json, "name", ""),
        text(json, "hoursText", ""),
        officeHours(hours),
        string(notice, "version", "privacyNotice"),
        text(json, "privacyNotice", ""),
        hotlines,
        text(json, "outOfHours", ""),
        text(object(json, "mailAcknowledgement"), "open", "mailAcknowledgement"),
        text(object(json, "mailAcknowledgement"), "closed", "mailAcknowledgement"),
        text(json, "safetyMessage", ""),
        safetyMessageClosed(json),
        desk(json),
        textOrShipped(json, "consentRequest"),
        textOrShipped(json, "consentByMail"),
        textOrShipped(json, "consentByMailUnverified"));
  }

  /**
   * A text a desk's own profile written before it existed may lack: then the shipped one, so every channel still
   * says how to agree to the privacy notice.
   */
  private static LocalizedText textOrShipped(JsonObject json, String field) {
    if (json.containsKey(field)) {
      return text(json, field, "");
    }
    JsonObject shipped;
    try (var in = OfficeProfileJson.class.getResourceAsStream("/office-profile.json")) {
      shipped = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return text(shipped, field, "");
  }

  /**
   * The desk's contact. Phone, address and map are optional; a profile written before they existed gets the
   * shipped complaints text, so residents are always told how to complain.
   */
  private static DeskContact desk(JsonObject json) {
    JsonObject desk = json.getJsonObject("desk", new JsonObject());
    LocalizedText complaints = desk.containsKey("complaints") ? text(desk, "complaints", "desk")
        : defaults().desk().complaints();
    java.net.URI map = null;
    if (desk.getValue("mapUrl") != null) {
      try {
        map = java.net.URI.create(string(desk, "mapUrl", "desk"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("desk.mapUrl is not an address");
      }
    }
    return new DeskContact(desk.getValue("phone") == null ? null : string(desk, "phone", "desk"),
        desk.getValue("address") == null ? null : text(desk, "address", "desk"), map, complaints);
  }

  /**
   * The safety message for when the desk is closed. A desk's own profile written before it existed gets the
   * safety message followed by its out-of-hours text, so a crisis at night still gets one message with the hours.
   */
  private static LocalizedText safetyMessageClosed(JsonObject json) {
    if (json.containsKey("safetyMessageClosed")) {
      return text(json, "safetyMessageClosed", "");
    }
    LocalizedText safety = text(json, "safetyMessage", "");
    LocalizedText outOfHours = text(json, "outOfHours", "");
    Map<String, String> byLanguage = new java.util.HashMap<>();
    for (String language : safety.byLanguage().keySet()) {
      byLanguage.put(language, safety.in(language) + "\n\n" + outOfHours.in(language));
    }
    return new LocalizedText(byLanguage);
  }

  private static OfficeHours officeHours(JsonObject hours) {
    ZoneId zone;
    try {
      zone = ZoneId.of(string(hours, "zone", "hours"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("hours.zone is not a time zone such as Asia/Tokyo");
    }
    Map<DayOfWeek, List<OfficeHours.Period>> weekly = new EnumMap<>(DayOfWeek.class);
    JsonObject week = object(hours, "weekly");
    for (String day : week.fieldNames()) {
      DayOfWeek dow;
      try {
        dow = DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("hours.weekly." + day + " is not a weekday (MONDAY ... SUNDAY)");
      }
      List<OfficeHours.Period> periods = new ArrayList<>();
      for (Object p : week.getJsonArray(day)) {
        periods.add(period(String.valueOf(p), "hours.weekly." + day));
      }
      weekly.put(dow, periods);
    }
    MonthDay from = null;
    MonthDay to = null;
    JsonObject yearEnd = hours.getJsonObject("yearEnd");
    if (yearEnd != null) {
      from = monthDay(string(yearEnd, "from", "hours.yearEnd"), "hours.yearEnd.from");
      to = monthDay(string(yearEnd, "to", "hours.yearEnd"), "hours.yearEnd.to");
    }
    Set<LocalDate> closed = new HashSet<>();
    for (Object d : hours.getJsonArray("closedDates", new JsonArray())) {
      try {
        closed.add(LocalDate.parse(String.valueOf(d)));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("hours.closedDates: " + d + " is not a date like 2027-01-04");
      }
    }
    return new OfficeHours(zone, weekly, hours.getBoolean("closedOnNationalHolidays", true), from, to, closed);
  }

  private static OfficeHours.Period period(String value, String where) {
    String[] parts = value.split("-");
    try {
      return new OfficeHours.Period(LocalTime.parse(pad(parts[0].trim())), LocalTime.parse(pad(parts[1].trim())));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": \"" + value + "\" is not a period like 09:00-17:30");
    }
  }

  private static String pad(String time) {
    return time.length() == 4 ? "0" + time : time;
  }

  private static MonthDay monthDay(String value, String where) {
    try {
      return MonthDay.parse("--" + value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": \"" + value + "\" is not a day like 12-29");
    }
  }

  private static JsonObject object(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonObject o)) {
      throw new IllegalArgumentException(field + " is missing or not an object");
    }
    return o;
  }

  private static String string(JsonObject json, String field, String where) {
    Object v = json.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(prefix(where) + field + " is missing or empty");
    }
    return s;
  }

  private static LocalizedText text(JsonObject json, String field, String where) {
    Object v = json.getValue(field);
    if (v instanceof String s) {
      return new LocalizedText(Map.of("ja", s));
    }
    if (!(v instanceof JsonObject o) || !(o.getValue("ja") instanceof String)) {
      throw new IllegalArgumentException(prefix(where) + field + " needs at least a Japanese text (\"ja\")");
    }
    Map<String, String> byLanguage = new java.util.HashMap<>();
    for (String lang : o.fieldNames()) {
      if (!"version".equals(lang) && o.getValue(lang) instanceof String s) {
        byLanguage.put(lang, s);
      }
    }
    return new LocalizedText(byLanguage);
  }

  private static String prefix(String where) {
    return where.isEmpty() ? "" : where + ".";
  }
}
