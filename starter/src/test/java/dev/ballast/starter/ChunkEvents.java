package dev.ballast.starter;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The events of a process stage's history that concern its chunk activities ({@code ProcessChunk}),
 * not the stage's other activities (reads of plan pages).
 */
final class ChunkEvents {
  private ChunkEvents() {}

  /** The events of {@code type} in {@code events} that belong to chunk activities. */
  static List<HistoryEvent> of(List<HistoryEvent> events, EventType type) {
    Set<Long> chunkActivities = new HashSet<>();
    List<HistoryEvent> found = new ArrayList<>();
    for (HistoryEvent e : events) {
      long scheduledId;
      switch (e.getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          if (e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("ProcessChunk")) {
            chunkActivities.add(e.getEventId());
          }
          scheduledId = e.getEventId();
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> scheduledId = e.getActivityTaskStartedEventAttributes().getScheduledEventId();
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> scheduledId = e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
        case EVENT_TYPE_ACTIVITY_TASK_FAILED -> scheduledId = e.getActivityTaskFailedEventAttributes().getScheduledEventId();
        default -> scheduledId = -1;
      }
      if (e.getEventType() == type && chunkActivities.contains(scheduledId)) {
        found.add(e);
      }
    }
    return found;
  }
}
