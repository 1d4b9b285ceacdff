package jp.kurashi.core.domain;

/**
 * A staff account without its secrets.
 */
public record StaffMember(long id, long officeId, String login, String displayName, Role role) {
}
