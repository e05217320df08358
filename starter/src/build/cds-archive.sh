#!/usr/bin/env bash
# Records the class-data-sharing archive target/ballast.jsa that ./ballast starts the JVM with
# (Java 17 AppCDS, a static archive): a short training job on the embedded default lists the classes
# a `ballast run` loads, and a second JVM writes them, parsed and verified, into the archive. Later
# JVMs map it instead of loading those classes from the jar: every command starts faster, and the
# first workflow tasks of a job run sooner. A static archive rather than one written at the training
# JVM's exit (-XX:ArchiveClassesAtExit): Java 17 leaves classes of class-file versions before Java 6
# out of the latter, and picocli's are such classes (~170 of them, loaded by every command). Run by
# `mvn package` (starter module); skip it with -Dballast.cds.skip=true. Best effort: without an
# archive ./ballast simply starts without one.
set -uo pipefail
target="${1:?usage: cds-archive.sh TARGET_DIR}"
jar="$target/ballast.jar"
archive="$target/ballast.jsa"
work="$target/cds-training"
rm -rf "$work" "$archive" "$archive.tmp"
mkdir -p "$work"
java -jar "$jar" generate settlement --rows 20000 "$work/in.csv" >"$work/generate.log" 2>&1 \
  && java -XX:DumpLoadedClassList="$work/classes.lst" -jar "$jar" \
       run --type settlement --input "$work/in.csv" --output "$work/out" >"$work/run.log" 2>&1 \
  && java -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile="$archive.tmp" \
       -cp "$jar" >"$work/dump.log" 2>&1 \
  && [[ -s "$archive.tmp" ]] && mv "$archive.tmp" "$archive"
if [[ -f "$archive" ]]; then
  echo "class-data-sharing archive: $archive ($(du -h "$archive" | cut -f1))"
else
  rm -f "$archive.tmp"
  echo "WARNING: no class-data-sharing archive was recorded (see $work/*.log); ./ballast starts without one"
fi
exit 0
