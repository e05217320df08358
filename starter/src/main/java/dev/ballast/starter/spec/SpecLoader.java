package dev.ballast.starter.spec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.ballast.api.Causes;
import dev.ballast.api.model.Deadline;
import dev.ballast.api.model.JobSpec;
import dev.ballast.job.policy.Stage;
import dev.ballast.job.policy.StagePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Builds the {@link JobSpec} a command starts, from a JSON spec file and command-line flags.
 *
 * <p>The spec file holds the fields of {@link JobSpec}; an unknown field is an error naming it and
 * listing the allowed ones. Durations (in {@code policies}) accept {@code 500ms}, {@code 10s},
 * {@code 5m}, {@code 1h} and ISO-8601 ({@code PT10S}); {@code policies} keys are stage names
 * ({@code plan}, {@code process}, {@code merge}, {@code commit}). Relative paths in a spec file are
 * resolved against the file's directory, relative flag paths against the current directory; the
 * result holds absolute, normalized paths. Flags win over the file.
 *
 * <p>Only {@code type}, {@code inputs} and {@code output} are checked here; the worker's plan stage
 * validates the rest (job type, parameters, inputs) before anything is processed.
 */
public final class SpecLoader {

  /**
   * Values given on the command line; null (or an empty list) means "not given".
   *
   * @param id job id
   * @param type job type
   * @param inputs input paths, replacing the file's inputs when not empty
   * @param output output directory
   * @param chunkBytes target chunk size
   * @param maxInFlight chunks processed at once
   */
  public record Overrides(
      String id, String type, List<String> inputs, String output, Long chunkBytes, Integer maxInFlight) {
    public static final Overrides NONE = new Overrides(null, null, List.of(), null, null, null);
  }

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .addModule(new SimpleModule("ballast-durations").addDeserializer(Duration.class, new DurationDeserializer()))
          .build();

  private SpecLoader() {}

  /**
   * The spec to start: {@code specFile} (may be null) with {@code flags} applied, paths made
   * absolute, and type, inputs and output checked.
   *
   * @param cwd the directory relative flag paths are resolved against
   * @throws SpecException with a one-line message
   */
  public static JobSpec build(Path specFile, Overrides flags, Path cwd) {
    JobSpec base = specFile == null ? null : load(specFile);
    return check(merge(base, flags, cwd));
  }

  /**
   * Reads a spec file, resolving its relative paths against its directory.
   *
   * @throws SpecException when it is missing, not JSON, or holds an unknown field or a bad value
   */
  public static JobSpec load(Path specFile) {
    String json;
    try {
      json = Files.readString(specFile);
    } catch (NoSuchFileException e) {
      throw new SpecException("spec file " + specFile + " does not exist");
    } catch (IOException e) {
      throw new SpecException("cannot read spec file " + specFile + ": " + e.getMessage(), e);
    }
    Path dir = specFile.toAbsolutePath().normalize().getParent();
    return resolvePaths(parse(json, specFile.getFileName().toString()), dir);
  }

  /**
   * Parses spec JSON without touching its paths; {@code source} names it in messages.
   *
   * @throws SpecException with a one-line message
   */
  public static JobSpec parse(String json, String source) {
    JobSpec spec;
    try {
      spec = MAPPER.readValue(json, JobSpec.class);
    } catch (UnrecognizedPropertyException e) {
      TreeSet<String> allowed = new TreeSet<>();
      for (Object id : e.getKnownPropertyIds()) {
        allowed.add(String.valueOf(id));
      }
      String where = path(e.getPath().subList(0, e.getPath().size() - 1));
      throw new SpecException(
          source + ": unknown field '" + e.getPropertyName() + "'"
              + (where.isEmpty() ? "" : " in " + where)
              + " (allowed: " + String.join(", ", allowed) + ")",
          e);
    } catch (JsonParseException e) {
      throw notJson(source, e);
    } catch (JsonMappingException e) {
      Optional<JsonParseException> parse = Causes.first(e.getCause(), JsonParseException.class);
      if (parse.isPresent()) {
        throw notJson(source, parse.get());
      }
      String where = path(e.getPath());
      throw new SpecException(
          source + ": " + firstLine(e.getOriginalMessage()) + (where.isEmpty() ? "" : " at " + where), e);
    } catch (IOException e) {
      throw new SpecException(source + ": " + firstLine(e.getMessage()), e);
    }
    if (spec == null) {
      throw new SpecException(source + ": empty spec");
    }
    return withCheckedPolicies(spec, source);
  }

  /** {@code base} (may be null) with every given flag applied; flag paths resolved against {@code cwd}. */
  public static JobSpec merge(JobSpec base, Overrides flags, Path cwd) {
    JobSpec b = base != null ? base : new JobSpec(null, null, null, null, null, null, null, null, null, null, null);
    List<String> inputs = b.inputs();
    if (flags.inputs() != null && !flags.inputs().isEmpty()) {
      inputs = new ArrayList<>();
      for (String input : flags.inputs()) {
        inputs.add(absolute(input, cwd));
      }
    }
    return new JobSpec(
        flags.id() != null ? flags.id() : b.id(),
        flags.type() != null ? flags.type() : b.type(),
        inputs,
        flags.output() != null ? absolute(flags.output(), cwd) : b.output(),
        b.parameters(),
        flags.chunkBytes() != null ? flags.chunkBytes() : b.chunkBytes(),
        flags.maxInFlight() != null ? flags.maxInFlight() : b.maxInFlight(),
        b.tolerance(),
        b.policies(),
        b.keepBackups(),
        b.historyEventLimit(),
        b.alerts(),
        b.deadline());
  }

  /**
   * Checks that type, inputs and output are present.
   *
   * @throws SpecException naming what is missing
   */
  public static JobSpec check(JobSpec spec) {
    List<String> missing = new ArrayList<>();
    if (spec.type() == null || spec.type().isBlank()) {
      missing.add("type (--type)");
    }
    if (spec.inputs() == null || spec.inputs().isEmpty() || spec.inputs().stream().anyMatch(i -> i == null || i.isBlank())) {
      missing.add("inputs (--input)");
    }
    if (spec.output() == null || spec.output().isBlank()) {
      missing.add("output (--output)");
    }
    if (!missing.isEmpty()) {
      throw new SpecException("the job spec lacks " + String.join(", ", missing));
    }
    if (spec.deadline() != null) {
      try {
        Deadline.parse(spec.deadline());
      } catch (IllegalArgumentException e) {
        throw new SpecException("deadline: " + e.getMessage(), e);
      }
    }
    if (spec.alerts() != null && spec.alerts().webhooks() != null) {
      for (String webhook : spec.alerts().webhooks()) {
        checkWebhook(webhook);
      }
    }
    return spec;
  }

  private static JobSpec resolvePaths(JobSpec spec, Path dir) {
    List<String> inputs = null;
    if (spec.inputs() != null) {
      inputs = new ArrayList<>();
      for (String input : spec.inputs()) {
        inputs.add(input == null ? null : absolute(input, dir));
      }
    }
    return new JobSpec(
        spec.id(),
        spec.type(),
        inputs,
        spec.output() == null ? null : absolute(spec.output(), dir),
        spec.parameters(),
        spec.chunkBytes(),
        spec.maxInFlight(),
        spec.tolerance(),
        spec.policies(),
        spec.keepBackups(),
        spec.historyEventLimit(),
        spec.alerts(),
        spec.deadline());
  }

  private static JobSpec withCheckedPolicies(JobSpec spec, String source) {
    if (spec.policies() == null) {
      return spec;
    }
    Map<String, StagePolicy> policies = new LinkedHashMap<>();
    for (Map.Entry<String, StagePolicy> e : spec.policies().entrySet()) {
      Stage stage;
      try {
        stage = Stage.fromKey(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new SpecException(source + ": policies: " + ex.getMessage(), ex);
      }
      policies.put(stage.key(), e.getValue());
    }
    return new JobSpec(
        spec.id(), spec.type(), spec.inputs(), spec.output(), spec.parameters(), spec.chunkBytes(),
        spec.maxInFlight(), spec.tolerance(), policies, spec.keepBackups(), spec.historyEventLimit(),
        spec.alerts(), spec.deadline());
  }

  private static void checkWebhook(String webhook) {
    java.net.URI uri;
    try {
      uri = webhook == null ? null : new java.net.URI(webhook.trim());
    } catch (java.net.URISyntaxException e) {
      throw new SpecException("alerts.webhooks: '" + webhook + "' is not a URL", e);
    }
    if (uri == null || uri.getHost() == null
        || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
      throw new SpecException("alerts.webhooks: '" + webhook + "' is not an http(s) URL");
    }
  }

  private static String absolute(String path, Path base) {
    String p = path.trim();
    return base.resolve(p).toAbsolutePath().normalize().toString();
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static SpecException notJson(String source, JsonParseException e) {
    String message = firstLine(e.getOriginalMessage());
    int detail = message.indexOf(" (for ");
    if (detail > 0) {
      message = message.substring(0, detail);
    }
    return new SpecException(
        source + ": not valid JSON at line " + e.getLocation().getLineNr()
            + ", column " + e.getLocation().getColumnNr() + ": " + message,
        e);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Durations as strings: {@code 10s}, {@code 500ms}, {@code 5m}, {@code 1h} or ISO-8601. */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw JsonMappingException.from(
            p, "a duration must be a string such as \"10s\", \"500ms\", \"5m\", \"1h\" or \"PT10S\"");
      }
      try {
        return Durations.parse(p.getText());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage());
      }
    }
  }
}
