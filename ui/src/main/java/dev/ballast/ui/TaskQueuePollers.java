package dev.ballast.ui;

import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import java.util.List;

/**
 * Who polls a task queue, for a service that cannot say itself (the embedded one answers {@code
 * DescribeTaskQueue} with UNIMPLEMENTED). Ballast's embedded service records every poll it serves
 * ({@code EmbeddedTemporal::pollers}).
 */
@FunctionalInterface
public interface TaskQueuePollers {
  /** No pollers known: the UI then shows no workers. */
  TaskQueuePollers NONE = (namespace, taskQueue, type) -> List.of();

  List<PollerInfo> pollers(String namespace, String taskQueue, TaskQueueType type);
}
