package io.tokenbroker.functions.detector;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.errors.ServiceFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Alerts to the on-call: an SNS message on the alarm topic (subject: the alert's name and client)
 * and an EventBridge event (source {@code token-broker}, detail-type the alert's name, detail the
 * alert with its evidence) for rules and automation. Logged first, so an alert is in the log even
 * when its delivery fails; a delivery failure is a retryable {@link ServiceFailure} (the stream
 * batch is retried; subscribers de-duplicate).
 */
public final class SnsEventBridgeSecurityAlerts implements SecurityAlerts {

  public static final String SOURCE = "token-broker";

  private final SnsClient sns;
  private final String topicArn;
  private final EventBridgeClient events;
  private final String eventBus;
  private final SecurityAlerts log;

  public SnsEventBridgeSecurityAlerts(
      SnsClient sns,
      String topicArn,
      EventBridgeClient events,
      String eventBus,
      SecurityAlerts log) {
    this.sns = sns;
    this.topicArn = topicArn;
    this.events = events;
    this.eventBus = eventBus;
    this.log = log;
  }

  @Override
  public void raise(SecurityAlert alert) {
    log.raise(alert);
    deliver(alert);
  }

  /** Delivered, not logged again: the function that raised it logged and counted it. */
  @Override
  public void forward(SecurityAlert alert) {
    deliver(alert);
  }

  private void deliver(SecurityAlert alert) {
    String detail = JSONObjectUtils.toJSONString(detail(alert));
    try {
      sns.publish(r -> r.topicArn(topicArn).subject(subject(alert)).message(detail));
    } catch (SdkException e) {
      throw new ServiceFailure("sns", "Publish security alert", true, e);
    }
    PutEventsResponse put;
    try {
      put =
          events.putEvents(
              r ->
                  r.entries(
                      e ->
                          e.eventBusName(eventBus)
                              .source(SOURCE)
                              .detailType(alert.kind().eventName())
                              .time(alert.occurredAt())
                              .detail(detail)));
    } catch (SdkException e) {
      throw new ServiceFailure("events", "PutEvents security alert", true, e);
    }
    if (put.failedEntryCount() != null && put.failedEntryCount() > 0) {
      throw new ServiceFailure(
          "events",
          "PutEvents security alert: " + put.entries().getFirst().errorCode(),
          true,
          null);
    }
  }

  /** The alert as the message and the event's detail. */
  static Map<String, Object> detail(SecurityAlert alert) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("alert", alert.kind().eventName());
    alert.clientId().ifPresent(id -> detail.put("client_id", id));
    detail.put("occurred_at", alert.occurredAt().toString());
    detail.put("evidence", new LinkedHashMap<>(alert.evidence()));
    return detail;
  }

  /** SNS's limit: fewer than 100 characters, ASCII, no line breaks or control characters. */
  private static final int MAX_SUBJECT = 99;

  /**
   * The kind and as much of the client id as fits (the whole id is in the message): printable ASCII
   * only, under SNS's limit, so a long or odd client id never makes the delivery fail.
   */
  static String subject(SecurityAlert alert) {
    String head = "token-broker " + alert.kind().eventName();
    String client = alert.clientId().orElse("").replaceAll("[^\\x21-\\x7e]", "");
    if (client.isEmpty()) {
      return head;
    }
    String subject = head + " " + client;
    return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT);
  }
}
