package dev.ballast.starter.commands;

import dev.ballast.api.JobSearchAttributes;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.SearchAttributeRegistry;
import dev.ballast.starter.TemporalOptions;
import io.temporal.common.SearchAttributeKey;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ballast setup}: registers Ballast's search attributes in a namespace. */
@Command(
    name = "setup",
    mixinStandardHelpOptions = true,
    description = {
      "Registers Ballast's search attributes in the namespace: BallastJobType (Keyword), BallastStage"
          + " (Keyword) and BallastProgress (Int, percent of chunks done). Jobs started afterwards carry"
          + " them, so the Web UI and `ballast list --query` can filter jobs by type, stage and progress."
          + " Run it once per namespace, before starting jobs.",
      "Idempotent: an attribute already registered with Ballast's type is left alone; one registered"
          + " with another type is an error (exit 5) and nothing is changed. On the embedded service"
          + " (`ballast server`), which cannot list search attributes (it accepts new ones but forgets"
          + " them when it stops), it registers nothing, says so and exits 0; jobs there run without"
          + " the attributes."
    })
public class SetupCommand extends BaseCommand {
  @Mixin TemporalOptions temporal;

  @Override
  protected int execute() {
    String namespace = temporal.namespace(env());
    try (JobConnection connection = JobConnection.open(temporal, env(), "setup")) {
      SearchAttributeRegistry.Outcome outcome =
          SearchAttributeRegistry.register(connection.stubs(), namespace, JobSearchAttributes.ALL);
      switch (outcome.kind()) {
        case NOT_SUPPORTED -> {
          out().println("the service at " + connection.address() + " cannot list search attributes (the"
              + " embedded service: no visibility store): nothing registered; jobs there run without them");
        }
        case CONFLICT -> throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, outcome.message());
        case NAMESPACE_NOT_FOUND -> throw new CliException(
            ExitCodes.CONFLICT_OR_NOT_FOUND, "namespace " + namespace + " not found on " + connection.address());
        case DONE -> {
          List<SearchAttributeKey<?>> added = outcome.added();
          for (SearchAttributeKey<?> key : JobSearchAttributes.ALL) {
            out().printf("%-16s %-8s %s%n", key.getName(), SearchAttributeRegistry.typeName(key),
                added.contains(key) ? "registered" : "already registered");
          }
          out().println("namespace " + namespace + " is set up for Ballast");
        }
      }
      out().flush();
      return ExitCodes.OK;
    }
  }
}
