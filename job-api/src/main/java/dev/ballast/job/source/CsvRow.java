package dev.ballast.job.source;

import java.util.List;

/**
 * A CSV record and its file's header.
 *
 * @param header the header's column names
 * @param fields the record's fields, or null when its quoting is invalid
 */
public record CsvRow(List<String> header, List<String> fields) {
  /** Whether the record parsed and has as many fields as the header. */
  public boolean wellFormed() {
    return fields != null && fields.size() == header.size();
  }

  /** The field of column {@code name} (its first occurrence), or null when there is none. */
  public String get(String name) {
    int at = header.indexOf(name);
    return at < 0 || fields == null || at >= fields.size() ? null : fields.get(at);
  }

  /** The field at {@code index}. */
  public String get(int index) {
    return fields.get(index);
  }
}
