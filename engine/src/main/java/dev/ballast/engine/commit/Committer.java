package dev.ballast.engine.commit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ballast.api.ErrorType;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.DiscardRequest;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.OutputFile;
import dev.ballast.engine.Failures;
import dev.ballast.engine.files.AtomicFiles;
import dev.ballast.engine.files.FileTrees;
import dev.ballast.engine.files.Fingerprints;
import dev.ballast.engine.files.Manifest;
import dev.ballast.engine.files.ManifestVerifier;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.engine.plan.StagedPlan;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit stage without Temporal: publishes a job's staged outputs into its output directory,
 * crash-safely and idempotently. The commit activity wraps it.
 *
 * <p>Steps, each safe to re-run after a crash at any point, driven by a journal ({@code
 * commit.json} in the staging directory: {@code finishedAt}, {@code backupDir}, {@code phase}):
 *
 * <ol>
 *   <li>prepare: pick {@code finishedAt} and, when the output holds a published result, the name
 *       of its backup directory; write the journal (phase {@code BACKUP}).
 *   <li>verify each staged output (size, SHA-256) and stage {@code manifest.json} beside them.
 *   <li>move the earlier result into {@code .ballast/backups/NAME/}: its manifest first, then every
 *       file it lists and every file the new result would overwrite; journal phase {@code
 *       PUBLISH}.
 *   <li>move the staged outputs into the output directory, the manifest last; journal phase
 *       {@code CLEANUP}.
 *   <li>delete all but the newest {@code keepBackups} backups.
 *   <li>record the result in {@code .ballast/last-commit.json}, then delete the staging directory,
 *       the journal last.
 * </ol>
 *
 * A call that finds no journal, no staged output and a published manifest of its job returns that
 * result again.
 */
public final class Committer {
  /** Name of the record of the latest commit, in the output's {@code .ballast} directory. */
  public static final String LAST_COMMIT_FILE = "last-commit.json";

  private static final Logger log = LoggerFactory.getLogger(Committer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final DateTimeFormatter COMPACT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern BACKUP_NAME =
      Pattern.compile("^(.+)-(\\d{8}T\\d{6}Z)(?:-(\\d+))?$");

  /** Told each step reached, before it runs (heartbeats; tests crash there). */
  @FunctionalInterface
  public interface StepListener {
    void reached(String step);
  }

  /** Where a commit stands, as its journal records it. */
  enum Phase {
    BACKUP,
    PUBLISH,
    CLEANUP
  }

  /** The journal: the decisions of the first attempt, which retries must keep. */
  record Journal(String finishedAt, String backupDir, Phase phase) {
    Journal withPhase(Phase next) {
      return new Journal(finishedAt, backupDir, next);
    }

    Journal withBackupDir(String name) {
      return new Journal(finishedAt, name, phase);
    }
  }

  private final Clock clock;
  private final StepListener steps;

  public Committer() {
    this(Clock.systemUTC(), step -> {});
  }

  /**
   * @param clock source of {@code finishedAt}
   * @param steps told every step reached
   */
  public Committer(Clock clock, StepListener steps) {
    this.clock = clock;
    this.steps = steps;
  }

  /** Publishes the staged outputs of {@code request}; see the class comment. */
  public CommitResult commit(CommitRequest request) {
    Ctx ctx = context(request);
    try {
      Journal journal = readJournal(ctx);
      if (journal == null) {
        CommitResult done = alreadyCommitted(ctx);
        if (done != null) {
          return done;
        }
        journal = prepare(ctx);
      }
      if (journal.phase() == Phase.BACKUP) {
        stageManifest(ctx, journal);
        journal = backUp(ctx, journal);
        journal = journal.withPhase(Phase.PUBLISH);
        writeJournal(ctx, journal);
      }
      if (journal.phase() == Phase.PUBLISH) {
        publish(ctx, journal);
        journal = journal.withPhase(Phase.CLEANUP);
        writeJournal(ctx, journal);
      }
      prune(ctx);
      CommitResult result = result(ctx, journal);
      recordLastCommit(ctx, result);
      cleanUp(ctx);
      log.info(
          "job {} published {} file(s) into {}{}",
          request.jobId(),
          result.files().size(),
          ctx.output,
          result.backupDir() == null ? "" : "; the earlier result is in " + result.backupDir());
      return result;
    } catch (IOException e) {
      throw Failures.of(
          ErrorType.IO, "cannot publish job " + request.jobId() + " into " + ctx.output + ": " + e, e);
    }
  }

  /** Deletes the staging directory of {@code request}'s job; nothing happens when it is gone. */
  public void discard(DiscardRequest request) {
    StagingLayout layout = StagingLayout.forJob(Path.of(request.outputDir()), request.jobId());
    try {
      FileTrees.deleteRecursively(layout.dir());
      log.info("discarded the staging area {} of job {}", layout.dir(), request.jobId());
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot delete staging area " + layout.dir() + ": " + e, e);
    }
  }

  // ---- the steps (package-private so that tests can run them one by one) ----

  /** A request with its paths resolved. */
  static final class Ctx {
    final CommitRequest request;
    final Path output;
    final StagingLayout layout;

    Ctx(CommitRequest request, Path output, StagingLayout layout) {
      this.request = request;
      this.output = output;
      this.layout = layout;
    }

    Path staged(String name) {
      return layout.outDir().resolve(name);
    }

    Path published(String name) {
      return output.resolve(name);
    }
  }

  static Ctx context(CommitRequest r) {
    if (r == null || isBlank(r.jobId()) || isBlank(r.outputDir()) || isBlank(r.stagingDir())) {
      throw Failures.of(ErrorType.BAD_SPEC, "a commit needs a jobId, an outputDir and a stagingDir");
    }
    if (r.keepBackups() < 0) {
      throw Failures.of(ErrorType.BAD_SPEC, "'keepBackups' must not be negative, not " + r.keepBackups());
    }
    Path output = Path.of(r.outputDir()).toAbsolutePath().normalize();
    StagingLayout layout = StagingLayout.ofStagingDir(Path.of(r.stagingDir()));
    if (!layout.outputDir().equals(output)) {
      throw Failures.of(
          ErrorType.BAD_SPEC,
          "staging dir " + layout.dir() + " does not belong to output dir " + output);
    }
    Set<String> names = new LinkedHashSet<>();
    for (OutputFile out : outputs(r)) {
      if (!ManifestVerifier.isPlainFileName(out.name())
          || out.name().equals(Manifest.FILE_NAME)
          || out.name().equals(StagingLayout.HIDDEN_DIR)
          || !names.add(out.name())) {
        throw Failures.of(ErrorType.BAD_SPEC, "output name '" + out.name() + "' cannot be published");
      }
    }
    return new Ctx(r, output, layout);
  }

  /** The result of an earlier, completed commit of this job, or null. */
  CommitResult alreadyCommitted(Ctx ctx) throws IOException {
    Path manifestFile = ctx.published(Manifest.FILE_NAME);
    if (!Files.isRegularFile(manifestFile)) {
      return null;
    }
    Manifest manifest;
    try {
      manifest = Manifest.read(manifestFile);
    } catch (IOException e) {
      return null;
    }
    if (!ctx.request.jobId().equals(manifest.jobId())) {
      return null;
    }
    List<OutputFile> outputs = outputs(ctx.request);
    if (outputs.isEmpty() && Files.isDirectory(ctx.layout.outDir())) {
      return null;
    }
    for (OutputFile out : outputs) {
      if (Files.exists(ctx.staged(out.name()))) {
        return null; // staged outputs of a new run of the same job id
      }
    }
    steps.reached("already-committed");
    deleteStaging(ctx);
    String backupDir = null;
    CommitResult last = readLastCommit(ctx);
    if (last != null
        && manifest.finishedAt() != null
        && manifest.finishedAt().equals(last.finishedAt())) {
      backupDir = last.backupDir();
    }
    List<OutputFile> files = new ArrayList<>(manifest.outputFiles());
    files.add(fingerprint(manifestFile));
    log.info("job {} was already published into {} at {}", manifest.jobId(), ctx.output, manifest.finishedAt());
    return new CommitResult(ctx.output.toString(), List.copyOf(files), backupDir, manifest.finishedAt());
  }

  /** Step 1: decides finishedAt and the backup name, and writes the journal. */
  Journal prepare(Ctx ctx) throws IOException {
    steps.reached("prepare");
    if (!Files.isDirectory(ctx.layout.outDir())) {
      throw Failures.of(
          ErrorType.STAGED_RESULT_CORRUPT,
          "job " + ctx.request.jobId() + " has nothing staged: " + ctx.layout.outDir() + " does not exist");
    }
    String finishedAt = clock.instant().toString();
    String backupDir = hasPublishedResult(ctx) ? newBackupName(ctx) : null;
    Journal journal = new Journal(finishedAt, backupDir, Phase.BACKUP);
    writeJournal(ctx, journal);
    return journal;
  }

  /** Step 2: verifies the staged outputs and writes the new manifest beside them. */
  void stageManifest(Ctx ctx, Journal journal) throws IOException {
    for (OutputFile out : outputs(ctx.request)) {
      steps.reached("verify " + out.name());
      Path staged = ctx.staged(out.name());
      if (!Files.isRegularFile(staged)) {
        throw Failures.of(
            ErrorType.STAGED_RESULT_CORRUPT, "staged output " + out.name() + " is missing from " + ctx.layout.outDir());
      }
      Fingerprints.Fingerprint fp = Fingerprints.of(staged);
      if (fp.bytes() != out.bytes()) {
        throw Failures.of(
            ErrorType.STAGED_RESULT_CORRUPT,
            "staged output " + out.name() + ": size is " + fp.bytes() + " bytes but the merge recorded " + out.bytes());
      }
      if (!fp.sha256().equalsIgnoreCase(out.sha256())) {
        throw Failures.of(
            ErrorType.STAGED_RESULT_CORRUPT,
            "staged output " + out.name() + ": SHA-256 is " + fp.sha256() + " but the merge recorded " + out.sha256());
      }
    }
    steps.reached("stage manifest");
    CommitRequest r = ctx.request;
    // The inputs come from the staged plan, a block at a time (a request of an earlier version
    // carries them): the manifest of a job over many files is written by streaming.
    Manifest.InputSource inputs;
    if (r.plan() != null) {
      StagedPlan plan = StagedPlan.open(ctx.layout.dir(), r.plan());
      inputs = plan::forEachInput;
    } else {
      List<InputFile> listed = r.inputs() == null ? List.of() : r.inputs();
      inputs = each -> {
        for (InputFile input : listed) {
          each.accept(input);
        }
      };
    }
    Manifest.write(
        ctx.staged(Manifest.FILE_NAME),
        r.jobId(),
        r.startedAt() == null ? null : r.startedAt().toString(),
        journal.finishedAt(),
        inputs,
        r.counts(),
        outputs(r));
  }

  /** Step 3: moves the earlier published result aside, its manifest first. */
  Journal backUp(Ctx ctx, Journal journal) throws IOException {
    if (journal.backupDir() == null) {
      if (!hasPublishedResult(ctx)) {
        return journal;
      }
      // Something was published since the journal was written: keep it too.
      journal = journal.withBackupDir(newBackupName(ctx));
      writeJournal(ctx, journal);
    }
    Path backup = ctx.layout.backupsDir().resolve(journal.backupDir());
    Files.createDirectories(backup);
    Path oldManifest = ctx.published(Manifest.FILE_NAME);
    if (Files.exists(oldManifest, LinkOption.NOFOLLOW_LINKS)) {
      steps.reached("back up " + Manifest.FILE_NAME);
      AtomicFiles.move(oldManifest, backup.resolve(Manifest.FILE_NAME));
    }
    Set<String> names = new LinkedHashSet<>();
    Path movedManifest = backup.resolve(Manifest.FILE_NAME);
    if (Files.isRegularFile(movedManifest)) {
      try {
        for (Manifest.Output out : Manifest.read(movedManifest).outputs()) {
          if (ManifestVerifier.isPlainFileName(out.name()) && !out.name().equals(StagingLayout.HIDDEN_DIR)) {
            names.add(out.name());
          }
        }
      } catch (IOException e) {
        log.warn("the earlier manifest {} cannot be read ({}); backing up the files the new result replaces", movedManifest, e.toString());
      }
    }
    for (OutputFile out : outputs(ctx.request)) {
      names.add(out.name());
    }
    int moved = 0;
    for (String name : names) {
      Path file = ctx.published(name);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        steps.reached("back up " + name);
        AtomicFiles.move(file, backup.resolve(name));
        moved++;
      }
    }
    log.info("backed up the earlier result of {} into {} ({} file(s) moved now)", ctx.output, backup, moved);
    return journal;
  }

  /** Step 4: moves the staged outputs into the output directory, the manifest last. */
  void publish(Ctx ctx, Journal journal) throws IOException {
    for (OutputFile out : outputs(ctx.request)) {
      Path staged = ctx.staged(out.name());
      Path target = ctx.published(out.name());
      if (Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
        steps.reached("publish " + out.name());
        AtomicFiles.move(staged, target);
        log.info("published {}", target);
      } else if (!Files.isRegularFile(target)) {
        throw Failures.of(
            ErrorType.STAGED_RESULT_CORRUPT,
            "staged output " + out.name() + " vanished before it was published into " + ctx.output);
      }
    }
    Path stagedManifest = ctx.staged(Manifest.FILE_NAME);
    Path target = ctx.published(Manifest.FILE_NAME);
    if (Files.exists(stagedManifest, LinkOption.NOFOLLOW_LINKS)) {
      steps.reached("publish " + Manifest.FILE_NAME);
      AtomicFiles.move(stagedManifest, target);
      log.info("published {}", target);
    } else if (!isManifestOf(target, ctx.request.jobId(), journal.finishedAt())) {
      throw Failures.of(
          ErrorType.STAGED_RESULT_CORRUPT,
          "the staged manifest of job " + ctx.request.jobId() + " vanished before it was published");
    }
  }

  /** Step 5: deletes all but the newest {@code keepBackups} backups. */
  void prune(Ctx ctx) throws IOException {
    Path backups = ctx.layout.backupsDir();
    if (!Files.isDirectory(backups)) {
      return;
    }
    List<Backup> all = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(backups)) {
      for (Path dir : dirs) {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          all.add(Backup.of(dir));
        }
      }
    }
    all.sort(Backup.NEWEST_FIRST);
    for (int i = ctx.request.keepBackups(); i < all.size(); i++) {
      Path dir = all.get(i).dir();
      steps.reached("prune " + dir.getFileName());
      FileTrees.deleteRecursively(dir);
      log.info("deleted old backup {} (keeping {})", dir, ctx.request.keepBackups());
    }
  }

  /** Step 6: deletes the staging directory, the journal last. */
  void cleanUp(Ctx ctx) throws IOException {
    deleteStaging(ctx);
  }

  // ---- helpers ----

  private void deleteStaging(Ctx ctx) throws IOException {
    Path dir = ctx.layout.dir();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path journal = ctx.layout.commitJournal();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (!child.equals(journal)) {
          steps.reached("clean " + child.getFileName());
          FileTrees.deleteRecursively(child);
        }
      }
    }
    steps.reached("clean journal");
    Files.deleteIfExists(journal);
    Files.deleteIfExists(dir);
  }

  private CommitResult result(Ctx ctx, Journal journal) throws IOException {
    List<OutputFile> files = new ArrayList<>(outputs(ctx.request));
    files.add(fingerprint(ctx.published(Manifest.FILE_NAME)));
    String backupDir = null;
    if (journal.backupDir() != null) {
      Path dir = ctx.layout.backupsDir().resolve(journal.backupDir());
      if (Files.isDirectory(dir)) {
        backupDir = dir.toString();
      }
    }
    return new CommitResult(ctx.output.toString(), List.copyOf(files), backupDir, journal.finishedAt());
  }

  private static OutputFile fingerprint(Path file) throws IOException {
    Fingerprints.Fingerprint fp = Fingerprints.of(file);
    return new OutputFile(file.getFileName().toString(), fp.bytes(), fp.sha256());
  }

  /** Whether the output directory holds a manifest or a file the new result would overwrite. */
  private static boolean hasPublishedResult(Ctx ctx) {
    if (Files.exists(ctx.published(Manifest.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    for (OutputFile out : outputs(ctx.request)) {
      if (Files.exists(ctx.published(out.name()), LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
    }
    return false;
  }

  /** {@code <safe old job id>-<old finishedAt, compact>}, made unique among existing backups. */
  private static String newBackupName(Ctx ctx) throws IOException {
    Path manifestFile = ctx.published(Manifest.FILE_NAME);
    String jobId = null;
    Instant finishedAt = null;
    if (Files.isRegularFile(manifestFile)) {
      try {
        Manifest old = Manifest.read(manifestFile);
        jobId = old.jobId();
        finishedAt = old.finishedAt() == null ? null : Instant.parse(old.finishedAt());
      } catch (IOException | DateTimeException e) {
        log.warn("the published manifest {} cannot be read fully: {}", manifestFile, e.toString());
      }
    }
    if (finishedAt == null) {
      finishedAt = newestModification(ctx);
    }
    String base =
        StagingLayout.safeName(isBlank(jobId) ? "unknown" : jobId)
            + "-"
            + COMPACT.format(finishedAt.truncatedTo(ChronoUnit.SECONDS));
    String name = base;
    for (int k = 2; Files.exists(ctx.layout.backupsDir().resolve(name), LinkOption.NOFOLLOW_LINKS); k++) {
      name = base + "-" + k;
    }
    return name;
  }

  private static Instant newestModification(Ctx ctx) throws IOException {
    Instant newest = Instant.EPOCH;
    List<String> names = new ArrayList<>();
    names.add(Manifest.FILE_NAME);
    outputs(ctx.request).forEach(o -> names.add(o.name()));
    for (String name : names) {
      Path file = ctx.published(name);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        Instant t = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
        if (t.isAfter(newest)) {
          newest = t;
        }
      }
    }
    return newest;
  }

  private static boolean isManifestOf(Path file, String jobId, String finishedAt) {
    try {
      Manifest m = Manifest.read(file);
      return jobId.equals(m.jobId()) && finishedAt.equals(m.finishedAt());
    } catch (IOException e) {
      return false;
    }
  }

  private static Journal readJournal(Ctx ctx) throws IOException {
    try {
      return JSON.readValue(Files.readAllBytes(ctx.layout.commitJournal()), Journal.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private void writeJournal(Ctx ctx, Journal journal) throws IOException {
    steps.reached("journal " + journal.phase());
    AtomicFiles.write(ctx.layout.commitJournal(), JSON.writeValueAsBytes(journal));
  }

  private static Path lastCommitFile(Ctx ctx) {
    return ctx.output.resolve(StagingLayout.HIDDEN_DIR).resolve(LAST_COMMIT_FILE);
  }

  /** The last-commit record: the result plus the job id it belongs to. */
  record LastCommit(String jobId, CommitResult result) {}

  private void recordLastCommit(Ctx ctx, CommitResult result) throws IOException {
    steps.reached("record last commit");
    AtomicFiles.write(
        lastCommitFile(ctx), JSON.writeValueAsBytes(new LastCommit(ctx.request.jobId(), result)));
  }

  private static CommitResult readLastCommit(Ctx ctx) {
    try {
      LastCommit last = JSON.readValue(Files.readAllBytes(lastCommitFile(ctx)), LastCommit.class);
      return last == null || !ctx.request.jobId().equals(last.jobId()) ? null : last.result();
    } catch (IOException e) {
      return null;
    }
  }

  private static List<OutputFile> outputs(CommitRequest r) {
    return r.outputs() == null ? List.of() : r.outputs();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** A backup directory and when the result in it was published, for pruning. */
  record Backup(Path dir, Instant time, int seq) {
    static final Comparator<Backup> NEWEST_FIRST =
        Comparator.comparing(Backup::time)
            .thenComparingInt(Backup::seq)
            .thenComparing(b -> b.dir().getFileName().toString())
            .reversed();

    static Backup of(Path dir) throws IOException {
      Matcher m = BACKUP_NAME.matcher(dir.getFileName().toString());
      if (m.matches()) {
        try {
          Instant time = COMPACT.parse(m.group(2), Instant::from);
          int seq = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
          return new Backup(dir, time, seq);
        } catch (DateTimeException | NumberFormatException e) {
          // fall through to the directory's time
        }
      }
      return new Backup(dir, Files.getLastModifiedTime(dir).toInstant(), 0);
    }
  }
}
