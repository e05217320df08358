package dev.ballast.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.util.JsonFormat;
import io.temporal.api.history.v1.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's bundled histories: they are the ones the workflows module recorded, and they replay
 * on the current workflow code. Regenerate them from the recorded JSON, after recording new
 * histories in the workflows module, with {@code mvn -pl worker test -Dtest=WorkflowWarmUpTest
 * -Dballast.recordWarmUp=true}.
 */
class WorkflowWarmUpTest {
  /** The workflows module's recorded histories, relative to this module. */
  private static final Path RECORDED = Path.of("..", "workflows", "src", "test", "resources", "histories");

  private static final Path BUNDLED = Path.of("src", "main", "resources").resolve(WorkflowWarmUp.FOLDER.substring(1));

  @Test
  void everyBundledHistoryReplaysOnTheCurrentWorkflowCode() throws Exception {
    assertEquals(WorkflowWarmUp.HISTORIES.size(), WorkflowWarmUp.replayOnPrivateWorker());
  }

  @Test
  void theWarmUpLeavesNoThreadThatKeepsTheJvmAlive() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    WorkflowWarmUp.replayOnPrivateWorker();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do {
      left =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
              .map(Thread::getName)
              .toList();
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    fail("non-daemon threads left by the warm-up: " + left);
  }

  @Test
  void theBundledHistoriesAreTheRecordedOnes() throws IOException {
    if (Boolean.getBoolean("ballast.recordWarmUp")) {
      Files.createDirectories(BUNDLED);
      for (String workflowId : WorkflowWarmUp.HISTORIES) {
        Files.write(BUNDLED.resolve(WorkflowWarmUp.fileName(workflowId)), recorded(workflowId).toByteArray());
      }
      return; // the class path holds the new files from the next build on
    }
    for (String workflowId : WorkflowWarmUp.HISTORIES) {
      assertEquals(recorded(workflowId), WorkflowWarmUp.load(workflowId).getHistory(), workflowId);
    }
  }

  private static History recorded(String workflowId) throws IOException {
    int slash = workflowId.indexOf('/');
    String folder = slash < 0 ? "job" : workflowId.substring(slash + 1);
    Path file = RECORDED.resolve(folder).resolve(workflowId.replace('/', '~') + ".json");
    History.Builder history = History.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(file), history);
    return history.build();
  }
}
