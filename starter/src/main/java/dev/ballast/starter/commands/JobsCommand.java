package dev.ballast.starter.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.params.Parameter;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.job.ExceptionPolicy;
import dev.ballast.job.JobType;
import dev.ballast.job.policy.RetrySpec;
import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import dev.ballast.job.policy.TimeoutSpec;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.spec.Durations;
import dev.ballast.starter.spec.SpecValidator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ballast jobs}: the job types this build knows, with their parameters and defaults. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description =
        "Lists the job types on the class path (built in, and those of the jars in $BALLAST_CLASSPATH)"
            + " with their parameters (type, required or default, description) and their default"
            + " retry and timeout policy per stage, which a spec's `policies` override field by"
            + " field. `run` and `start` check a spec against them before starting anything.")
public class JobsCommand extends BaseCommand {
  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE", description = "Only this job type.")
  String only;

  @Override
  protected int execute() throws Exception {
    JobTypes types = SpecValidator.registered();
    List<String> names = new ArrayList<>(types.names());
    if (only != null) {
      try {
        types.get(only);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      names = List.of(only);
    }
    PrintWriter out = out();
    if (json) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (String name : names) {
        JobType<?, ?, ?> type = types.get(name);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put("description", type.description());
        List<Map<String, Object>> params = new ArrayList<>();
        for (Parameter p : TypedParameters.schema(type)) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", p.name());
          m.put("type", p.type().label());
          m.put("required", p.required());
          m.put("default", p.defaultValue());
          m.put("description", p.description());
          params.add(m);
        }
        entry.put("parameters", params);
        Map<String, Object> policies = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
          policies.put(stage.key(), policyJson(type.defaultPolicy(stage)));
        }
        entry.put("policies", policies);
        List<Map<String, Object>> exceptions = new ArrayList<>();
        for (ExceptionPolicy.Rule rule : type.exceptions().rules()) {
          exceptions.add(Map.of(
              "exception", rule.type().getName(), "action", rule.action().name().toLowerCase(java.util.Locale.ROOT),
              "code", rule.code()));
        }
        entry.put("exceptions", exceptions);
        list.add(entry);
      }
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
      out.flush();
      return ExitCodes.OK;
    }
    for (String name : names) {
      JobType<?, ?, ?> type = types.get(name);
      out.println(type.description().isEmpty() ? name : name + " - " + type.description());
      if (TypedParameters.schema(type).isEmpty()) {
        out.println("    (takes no parameters)");
      }
      int width = TypedParameters.schema(type).stream().mapToInt(p -> p.name().length()).max().orElse(0);
      for (Parameter p : TypedParameters.schema(type)) {
        String need = p.required() ? "required" : p.defaultValue() == null ? "optional" : "default " + p.defaultValue();
        out.printf("    %-" + width + "s  %-11s  %-20s  %s%n", p.name(), p.type().label(), need, p.description());
      }
      out.println("  policies (a spec's \"policies\" override any field):");
      for (Stage stage : Stage.values()) {
        out.printf("    %-8s %s%n", stage.key(), describe(type.defaultPolicy(stage)));
      }
      out.println("  exceptions thrown by its code:");
      for (ExceptionPolicy.Rule rule : type.exceptions().rules()) {
        out.printf("    %s: %s%n", rule.type().getSimpleName(), switch (rule.action()) {
          case REJECT -> "the record is rejected as " + rule.code();
          case FAIL -> "the job fails at once as " + rule.code();
          case RETRY -> "retried per the stage's policy, as " + rule.code();
        });
      }
      out.println("    JobFailure: its own type, retried or not as it says");
      out.println("    I/O errors: retried per the stage's policy, as IO");
      out.println("    any other: the job fails at once as JOB_TYPE_ERROR, naming the file and line");
      out.println();
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * One line for a stage policy: {@code 20 attempts, 2s doubling to 1m apart; 30m per attempt,
   * heartbeat 30s; never retried: DB_CONSTRAINT, DB_SCHEMA}.
   */
  public static String describe(StagePolicy policy) {
    RetrySpec r = policy.retry();
    TimeoutSpec t = policy.timeouts();
    StringBuilder sb = new StringBuilder();
    Integer attempts = r.maximumAttempts();
    sb.append(attempts == null || attempts == 0 ? "unlimited attempts" : attempts + (attempts == 1 ? " attempt" : " attempts"));
    if (r.initialInterval() != null) {
      sb.append(", ").append(Durations.format(r.initialInterval()));
      if (r.backoffCoefficient() != null && r.backoffCoefficient() != 1.0) {
        sb.append(r.backoffCoefficient() == 2.0 ? " doubling" : " growing x" + r.backoffCoefficient());
      }
      if (r.maximumInterval() != null) {
        sb.append(" to ").append(Durations.format(r.maximumInterval()));
      }
      sb.append(" apart");
    }
    if (t.startToClose() != null) {
      sb.append("; ").append(Durations.format(t.startToClose())).append(" per attempt");
    }
    if (t.heartbeat() != null) {
      sb.append(", heartbeat ").append(Durations.format(t.heartbeat()));
    }
    if (t.scheduleToClose() != null) {
      sb.append(", ").append(Durations.format(t.scheduleToClose())).append(" in all");
    }
    if (r.nonRetryableErrorTypes() != null && !r.nonRetryableErrorTypes().isEmpty()) {
      sb.append("; never retried: ").append(String.join(", ", r.nonRetryableErrorTypes()));
    }
    return sb.toString();
  }

  /** A stage policy as a spec's {@code policies} entry would write it. */
  private static Map<String, Object> policyJson(StagePolicy policy) {
    Map<String, Object> retry = new LinkedHashMap<>();
    RetrySpec r = policy.retry();
    retry.put("initialInterval", r.initialInterval() == null ? null : Durations.format(r.initialInterval()));
    retry.put("backoffCoefficient", r.backoffCoefficient());
    retry.put("maximumInterval", r.maximumInterval() == null ? null : Durations.format(r.maximumInterval()));
    retry.put("maximumAttempts", r.maximumAttempts());
    retry.put("nonRetryableErrorTypes", r.nonRetryableErrorTypes());
    Map<String, Object> timeouts = new LinkedHashMap<>();
    TimeoutSpec t = policy.timeouts();
    timeouts.put("startToClose", t.startToClose() == null ? null : Durations.format(t.startToClose()));
    timeouts.put("heartbeat", t.heartbeat() == null ? null : Durations.format(t.heartbeat()));
    timeouts.put("scheduleToClose", t.scheduleToClose() == null ? null : Durations.format(t.scheduleToClose()));
    timeouts.put("scheduleToStart", t.scheduleToStart() == null ? null : Durations.format(t.scheduleToStart()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("retry", retry);
    m.put("timeouts", timeouts);
    return m;
  }
}
