package jp.kurashi.console;

import io.vertx.core.Vertx;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.office.OfficeHours;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.core.store.TriageCorrectionStore;
import jp.kurashi.core.store.TriageModelStore;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageModelInForce;

import java.time.Clock;

/**
 * Everything the staff API uses, built once in the app and handed over as one value; {@code privacyNoticeVersion}
 * is the notice residents are asked to agree to now (a case whose resident agreed to an older one shows so);
 * {@code offices} every office served (the console's header names the caller's).
 */
public record ConsoleServices(
    Vertx vertx,
    StaffStore staff,
    CaseStore cases,
    AuditLog audit,
    jp.kurashi.core.cases.CaseCommands commands,
    jp.kurashi.core.store.HandoffStore handoffs,
    jp.kurashi.core.store.AgencyStore agencies,
    jp.kurashi.core.store.TemplateStore templates,
    jp.kurashi.core.store.ReportStore reports,
    TriageStore triage,
    TriageEngine triageEngine,
    TriageModelInForce triageModelInForce,
    TriageModelStore triageModels,
    TriageCorrectionStore triageCorrections,
    jp.kurashi.core.store.ComplaintStore complaints,
    jp.kurashi.core.store.AccommodationStore accommodations,
    jp.kurashi.core.store.MilestoneStore milestones,
    jp.kurashi.core.store.StaffCaseStore staffCases,
    jp.kurashi.core.pipeline.StaffIntake staffIntake,
    ReplyQueue replies,
    LoginService logins,
    PasswordHasher hasher,
    ChannelRegistry channels,
    CaseEvents events,
    OfficeHours hours,
    ApiContract contract,
    ConsoleSettings settings,
    jp.kurashi.core.security.ClientAddress clientAddress,
    Clock clock,
    String privacyNoticeVersion,
    java.util.List<ConsoleOffice> offices) {
}
