package dev.ballast.worker.observe;

import dev.ballast.api.model.ChunkResult;
import dev.ballast.api.model.ChunkTask;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.MDC;

/**
 * Puts the chunk of a chunk activity in the log context (MDC key {@value #CHUNK}, next to the
 * SDK's own {@code WorkflowId}, {@code RunId} and {@code ActivityType}) and records
 * {@link BallastMetrics}: chunk attempts and their rows, and the outcome of each job workflow
 * (counted once, when it really ends, never while replaying).
 */
public final class ObservingInterceptor extends WorkerInterceptorBase {
  /** MDC key of the chunk index while a chunk activity runs. */
  public static final String CHUNK = "chunk";

  /** The job workflow's type name. */
  static final String JOB_WORKFLOW_TYPE = "BallastJob";

  private final BallastMetrics metrics;

  public ObservingInterceptor(BallastMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ChunkTask task = chunkTask(input.getArguments());
        if (task == null) {
          return super.execute(input);
        }
        MDC.put(CHUNK, String.valueOf(task.chunk().index()));
        metrics.chunkStarted(context == null ? 1 : context.getInfo().getAttempt());
        long started = System.nanoTime();
        ChunkResult result = null;
        try {
          ActivityOutput output = super.execute(input);
          if (output.getResult() instanceof ChunkResult r) {
            result = r;
          }
          return output;
        } finally {
          metrics.chunkFinished(result, Duration.ofNanos(System.nanoTime() - started));
          MDC.remove(CHUNK);
        }
      }
    };
  }

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        if (!JOB_WORKFLOW_TYPE.equals(Workflow.getInfo().getWorkflowType())) {
          return super.execute(input);
        }
        try {
          WorkflowOutput output = super.execute(input);
          count(BallastMetrics.JobOutcome.COMPLETED);
          return output;
        } catch (CanceledFailure e) {
          count(BallastMetrics.JobOutcome.CANCELLED);
          throw e;
        } catch (TemporalFailure e) {
          count(BallastMetrics.JobOutcome.FAILED);
          throw e;
        }
      }
    };
  }

  private void count(BallastMetrics.JobOutcome outcome) {
    if (!Workflow.isReplaying()) {
      metrics.jobFinished(outcome);
    }
  }

  private static ChunkTask chunkTask(Object[] arguments) {
    if (arguments != null) {
      for (Object a : arguments) {
        if (a instanceof ChunkTask t) {
          return t;
        }
      }
    }
    return null;
  }
}
