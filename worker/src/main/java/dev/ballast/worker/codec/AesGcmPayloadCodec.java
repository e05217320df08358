package dev.ballast.worker.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts every payload with AES-GCM, so that job specs, results, heartbeat details and query
 * answers are unreadable in Temporal's history without the key.
 *
 * <p>An encrypted payload has metadata {@code encoding: binary/encrypted} and {@code
 * encryption-key-id: ID}; its data is a fresh 12-byte nonce followed by the ciphertext (with its
 * 16-byte tag) of the original payload serialized whole, metadata included. The key id is also
 * authenticated (associated data), so it cannot be swapped. Payloads without that encoding are
 * passed through on decode, so histories written before encryption was turned on stay readable.
 */
public final class AesGcmPayloadCodec implements PayloadCodec {
  /** The {@code encoding} metadata value of an encrypted payload. */
  public static final String ENCODING = "binary/encrypted";
  /** The metadata key holding the id of the key that encrypted a payload. */
  public static final String KEY_ID = "encryption-key-id";

  private static final String METADATA_ENCODING = "encoding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);

  private final CodecKeys keys;
  private final SecureRandom random = new SecureRandom();

  public AesGcmPayloadCodec(CodecKeys keys) {
    this.keys = keys;
  }

  /**
   * The default data converter with this codec: payloads and failure messages (whose text may name
   * paths) are encrypted.
   */
  public static DataConverter dataConverter(CodecKeys keys) {
    return new CodecDataConverter(
        DefaultDataConverter.newDefaultInstance(), List.of(new AesGcmPayloadCodec(keys)), true);
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    String id = keys.activeId();
    SecretKey key = keys.key(id).orElseThrow();
    for (Payload payload : payloads) {
      out.add(encrypt(payload, id, key));
    }
    return out;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload payload : payloads) {
      out.add(isEncrypted(payload) ? decrypt(payload) : payload);
    }
    return out;
  }

  /** Whether {@code payload} was encrypted by this codec. */
  public static boolean isEncrypted(Payload payload) {
    return ENCODING_BYTES.equals(payload.getMetadataMap().get(METADATA_ENCODING));
  }

  private Payload encrypt(Payload payload, String id, SecretKey key) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(id.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(payload.toByteArray());
      ByteBuffer data = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
      return Payload.newBuilder()
          .putMetadata(METADATA_ENCODING, ENCODING_BYTES)
          .putMetadata(KEY_ID, ByteString.copyFromUtf8(id))
          .setData(ByteString.copyFrom(data.array()))
          .build();
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(e);
    }
  }

  private Payload decrypt(Payload payload) {
    ByteString idBytes = payload.getMetadataMap().get(KEY_ID);
    if (idBytes == null) {
      throw new PayloadCodecException("encrypted payload without " + KEY_ID);
    }
    String id = idBytes.toStringUtf8();
    SecretKey key =
        keys.key(id)
            .orElseThrow(
                () ->
                    new PayloadCodecException(
                        "payload encrypted with unknown key id '" + id + "' (known: " + keys.ids()
                            + "); add that key to " + CodecKeys.KEYS_FILE_ENV));
    byte[] data = payload.getData().toByteArray();
    if (data.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException("encrypted payload too short (" + data.length + " bytes)");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      cipher.updateAAD(idBytes.toByteArray());
      byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
      return Payload.parseFrom(plain);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          "cannot decrypt a payload with key '" + id + "': wrong key or tampered data", e);
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadCodecException("decrypted payload is not a payload", e);
    }
  }
}
