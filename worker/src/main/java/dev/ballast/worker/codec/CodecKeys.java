package dev.ballast.worker.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES keys of payload encryption, by key id, and the id of the one that encrypts new payloads.
 * Every listed key decrypts: rotating means adding a new key, making it active, and keeping the old
 * ones as long as histories encrypted with them are read.
 *
 * <p>From the environment: {@value #KEY_ENV} holds one key as {@code ID:BASE64}; {@value
 * #KEYS_FILE_ENV} names a file of {@code ID=BASE64} lines ({@code #} starts a comment). Keys are
 * 16, 24 or 32 bytes (AES-128/192/256), base64-encoded. The active key is {@value #ACTIVE_ENV} if
 * set, else the single key of {@value #KEY_ENV}, else the last key of the file.
 */
public final class CodecKeys {
  /** One key, {@code ID:BASE64}. */
  public static final String KEY_ENV = "BALLAST_CODEC_KEY";
  /** A file of {@code ID=BASE64} lines. */
  public static final String KEYS_FILE_ENV = "BALLAST_CODEC_KEYS_FILE";
  /** The id of the key that encrypts new payloads. */
  public static final String ACTIVE_ENV = "BALLAST_CODEC_KEY_ID";

  private final Map<String, SecretKey> keys;
  private final String activeId;

  /**
   * Keys by id; {@code activeId} must be one of them.
   *
   * @throws IllegalArgumentException when there is no key, a key has a bad length or the active
   *     id is unknown
   */
  public CodecKeys(Map<String, byte[]> keys, String activeId) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no payload encryption key");
    }
    Map<String, SecretKey> copy = new LinkedHashMap<>();
    keys.forEach(
        (id, bytes) -> {
          if (id.isBlank() || !id.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("bad key id '" + id + "' (letters, digits, . _ - only)");
          }
          if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalArgumentException(
                "key '" + id + "' is " + bytes.length + " bytes; AES needs 16, 24 or 32");
          }
          copy.put(id, new SecretKeySpec(bytes, "AES"));
        });
    if (!copy.containsKey(activeId)) {
      throw new IllegalArgumentException("active key id '" + activeId + "' is not among " + copy.keySet());
    }
    this.keys = Collections.unmodifiableMap(copy);
    this.activeId = activeId;
  }

  /**
   * The keys configured in {@code env}; empty when neither {@value #KEY_ENV} nor {@value
   * #KEYS_FILE_ENV} is set.
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed or the file
   *     cannot be read
   */
  public static Optional<CodecKeys> fromEnv(Map<String, String> env) {
    String single = blankToNull(env.get(KEY_ENV));
    String file = blankToNull(env.get(KEYS_FILE_ENV));
    if (single == null && file == null) {
      return Optional.empty();
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    String lastId = null;
    if (file != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(KEYS_FILE_ENV + ": cannot read " + file + ": " + e, e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              KEYS_FILE_ENV + ": line " + (i + 1) + " of " + file + " is not ID=BASE64KEY");
        }
        lastId = line.substring(0, eq).trim();
        keys.put(lastId, decode(KEYS_FILE_ENV + " line " + (i + 1), line.substring(eq + 1).trim()));
      }
      if (keys.isEmpty()) {
        throw new IllegalArgumentException(KEYS_FILE_ENV + ": " + file + " holds no key");
      }
    }
    if (single != null) {
      int colon = single.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(KEY_ENV + " must be ID:BASE64KEY");
      }
      lastId = single.substring(0, colon).trim();
      keys.put(lastId, decode(KEY_ENV, single.substring(colon + 1).trim()));
    }
    String active = Objects.requireNonNullElse(blankToNull(env.get(ACTIVE_ENV)), lastId);
    try {
      return Optional.of(new CodecKeys(keys, active));
    } catch (IllegalArgumentException e) {
      String source = file != null ? KEYS_FILE_ENV : KEY_ENV;
      throw new IllegalArgumentException(
          (env.get(ACTIVE_ENV) != null && !keys.containsKey(active) ? ACTIVE_ENV : source) + ": " + e.getMessage(), e);
    }
  }

  /** The key with id {@code id}, if known. */
  public Optional<SecretKey> key(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  /** The id of the key that encrypts new payloads. */
  public String activeId() {
    return activeId;
  }

  /** Every key id, in the order configured. */
  public List<String> ids() {
    return List.copyOf(keys.keySet());
  }

  private static byte[] decode(String where, String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": the key is not valid base64", e);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public String toString() {
    // Never the key material.
    return "CodecKeys[ids=" + keys.keySet() + ", active=" + activeId + "]";
  }
}
