package dev.ballast.starter.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.activities.job.JobType;
import dev.ballast.activities.job.JobTypes;
import dev.ballast.activities.job.Parameter;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
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
        "Lists the job types this build registers (built in, and every JobModule on the class path)"
            + " with their parameters: type, required or default, description. `run` and `start`"
            + " check a spec against them before starting anything.")
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
        JobType type = types.get(name);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put("description", type.description());
        List<Map<String, Object>> params = new ArrayList<>();
        for (Parameter p : type.parameters()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", p.name());
          m.put("type", p.type().label());
          m.put("required", p.required());
          m.put("default", p.defaultValue());
          m.put("description", p.description());
          params.add(m);
        }
        entry.put("parameters", params);
        list.add(entry);
      }
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
      out.flush();
      return ExitCodes.OK;
    }
    for (String name : names) {
      JobType type = types.get(name);
      out.println(type.description().isEmpty() ? name : name + " - " + type.description());
      if (type.parameters().isEmpty()) {
        out.println("    (no parameter schema declared; the job type checks its parameters when planned)");
      }
      int width = type.parameters().stream().mapToInt(p -> p.name().length()).max().orElse(0);
      for (Parameter p : type.parameters()) {
        String need = p.required() ? "required" : p.defaultValue() == null ? "optional" : "default " + p.defaultValue();
        out.printf("    %-" + width + "s  %-11s  %-20s  %s%n", p.name(), p.type().label(), need, p.description());
      }
      out.println();
    }
    out.flush();
    return ExitCodes.OK;
  }
}
