package dev.ballast.engine.files;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code manifest.json} of a published result. A reader treats its presence as the commit
 * marker: it is published last, after every file it lists.
 *
 * <pre>
 * {
 *   "jobId" : "nightly-2026-11-27",
 *   "startedAt" : "2026-11-27T10:00:00Z",
 *   "finishedAt" : "2026-11-27T10:15:00.123Z",
 *   "inputs" : [ { "name" : "a.csv", "path" : "/data/a.csv", "bytes" : 123, "sha256" : "..." } ],
 *   "counts" : { "rows" : 10, "accepted" : 8, "skipped" : 1, "rejected" : 1 },
 *   "outputs" : [ { "name" : "totals.csv", "bytes" : 456, "sha256" : "..." } ]
 * }
 * </pre>
 *
 * The outputs list every published file except the manifest itself.
 *
 * @param jobId the job that published the result
 * @param startedAt when the job started (ISO-8601)
 * @param finishedAt when the result was published (ISO-8601 UTC)
 * @param inputs the inputs the result was computed from
 * @param counts rows by outcome
 * @param outputs the published files, the manifest excluded
 */
@JsonPropertyOrder({"jobId", "startedAt", "finishedAt", "inputs", "counts", "outputs"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    String jobId,
    String startedAt,
    String finishedAt,
    List<Input> inputs,
    Tally counts,
    List<Output> outputs) {

  /** The manifest's file name in a published output directory. */
  public static final String FILE_NAME = "manifest.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Manifest {
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  /** An input as the manifest records it. */
  @JsonPropertyOrder({"name", "path", "bytes", "sha256"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Input(String name, String path, long bytes, String sha256) {
    public static Input of(InputFile file) {
      return new Input(file.name(), file.path(), file.bytes(), file.sha256());
    }
  }

  /**
   * Row counts as the manifest records them. Manifests of earlier versions call {@code skipped}
   * {@code pending}; they are still read.
   */
  @JsonPropertyOrder({"rows", "accepted", "skipped", "rejected"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Tally(long rows, long accepted, @JsonAlias("pending") long skipped, long rejected) {
    public static Tally of(Counts counts) {
      Counts c = counts == null ? Counts.ZERO : counts;
      return new Tally(c.rows(), c.accepted(), c.skipped(), c.rejected());
    }

    public Counts toCounts() {
      return new Counts(rows, accepted, skipped, rejected);
    }
  }

  /** A published file as the manifest records it. */
  @JsonPropertyOrder({"name", "bytes", "sha256"})
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Output(String name, long bytes, String sha256) {
    public static Output of(OutputFile file) {
      return new Output(file.name(), file.bytes(), file.sha256());
    }

    public OutputFile toOutputFile() {
      return new OutputFile(name, bytes, sha256);
    }
  }

  /** Builds a manifest from the api records. */
  public static Manifest of(
      String jobId,
      String startedAt,
      String finishedAt,
      List<InputFile> inputs,
      Counts counts,
      List<OutputFile> outputs) {
    return new Manifest(
        jobId,
        startedAt,
        finishedAt,
        inputs == null ? List.of() : inputs.stream().map(Input::of).toList(),
        Tally.of(counts),
        outputs == null ? List.of() : outputs.stream().map(Output::of).toList());
  }

  /** The listed outputs as api records. */
  public List<OutputFile> outputFiles() {
    return outputs.stream().map(Output::toOutputFile).toList();
  }

  /** Pretty-printed JSON, UTF-8, ending with a newline. */
  public byte[] toBytes() {
    try {
      byte[] json = MAPPER.writeValueAsBytes(this);
      byte[] withNewline = new byte[json.length + 1];
      System.arraycopy(json, 0, withNewline, 0, json.length);
      withNewline[json.length] = '\n';
      return withNewline;
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise manifest of " + jobId, e);
    }
  }

  /**
   * Parses a manifest.
   *
   * @throws IOException when the bytes are not a manifest
   */
  public static Manifest parse(byte[] json) throws IOException {
    Manifest manifest = MAPPER.readValue(json, Manifest.class);
    if (manifest == null) {
      throw new IOException("empty manifest");
    }
    return manifest;
  }

  /** Reads the manifest file {@code file}. */
  public static Manifest read(Path file) throws IOException {
    return parse(Files.readAllBytes(file));
  }

  /** Something that hands every input of a job to a consumer, in order. */
  @FunctionalInterface
  public interface InputSource {
    void forEach(dev.ballast.engine.plan.StagedPlan.Each<InputFile> each) throws IOException;
  }

  /**
   * Writes a manifest to {@code file} atomically by streaming: the inputs are written one by one as
   * {@code inputs} hands them over, never held as a list or built as one string, so a job over
   * 50,000 files writes its manifest in constant memory. The bytes are those of {@link #toBytes()}.
   */
  public static void write(
      Path file,
      String jobId,
      String startedAt,
      String finishedAt,
      InputSource inputs,
      Counts counts,
      List<OutputFile> outputs)
      throws IOException {
    ObjectWriter values = MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    AtomicFiles.write(
        file,
        out -> {
          try (JsonGenerator gen = values.createGenerator(out)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("jobId", jobId);
            gen.writeStringField("startedAt", startedAt);
            gen.writeStringField("finishedAt", finishedAt);
            gen.writeFieldName("inputs");
            gen.writeStartArray();
            inputs.forEach(input -> values.writeValue(gen, Input.of(input)));
            gen.writeEndArray();
            gen.writeFieldName("counts");
            values.writeValue(gen, Tally.of(counts));
            gen.writeFieldName("outputs");
            gen.writeStartArray();
            if (outputs != null) {
              for (OutputFile output : outputs) {
                values.writeValue(gen, Output.of(output));
              }
            }
            gen.writeEndArray();
            gen.writeEndObject();
          }
          out.write('\n');
        });
  }

  /** Writes this manifest to {@code file} atomically (temporary file, then rename). */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, toBytes());
  }
}
