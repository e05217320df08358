package dev.ballast.activities.stage;

/**
 * One record read from a {@link RecordSource}.
 *
 * @param line physical line number of the record, as reported in rejects
 * @param raw the record's text without its line ending, as reported in rejects
 * @param value the parsed record
 */
public record SourceRecord<I>(long line, String raw, I value) {}
