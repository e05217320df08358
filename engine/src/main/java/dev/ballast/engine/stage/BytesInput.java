package dev.ballast.engine.stage;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A {@link DataInput} over a byte array, reading what a {@link java.io.DataOutputStream} wrote
 * (big-endian) straight from the array: the merge reads every staged accumulator through it,
 * without the per-call locking of a {@code DataInputStream} over a {@code ByteArrayInputStream}.
 * Reading past the end throws {@link EOFException}.
 */
public final class BytesInput implements DataInput {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] bytes;
  private final int end;
  private int pos;

  /** Reads {@code bytes[from, to)}. */
  public BytesInput(byte[] bytes, int from, int to) {
    if (from < 0 || to > bytes.length || from > to) {
      throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + bytes.length);
    }
    this.bytes = bytes;
    this.pos = from;
    this.end = to;
  }

  public BytesInput(byte[] bytes) {
    this(bytes, 0, bytes.length);
  }

  /** Bytes not read yet. */
  public int remaining() {
    return end - pos;
  }

  private int take(int n) throws EOFException {
    if (n > end - pos) {
      throw new EOFException("needs " + n + " more bytes, " + (end - pos) + " left");
    }
    int at = pos;
    pos += n;
    return at;
  }

  @Override
  public void readFully(byte[] b) throws IOException {
    readFully(b, 0, b.length);
  }

  @Override
  public void readFully(byte[] b, int off, int len) throws IOException {
    System.arraycopy(bytes, take(len), b, off, len);
  }

  @Override
  public int skipBytes(int n) {
    int skipped = Math.max(0, Math.min(n, end - pos));
    pos += skipped;
    return skipped;
  }

  @Override
  public boolean readBoolean() throws IOException {
    return bytes[take(1)] != 0;
  }

  @Override
  public byte readByte() throws IOException {
    return bytes[take(1)];
  }

  @Override
  public int readUnsignedByte() throws IOException {
    return bytes[take(1)] & 0xff;
  }

  @Override
  public short readShort() throws IOException {
    return (short) SHORT.get(bytes, take(2));
  }

  @Override
  public int readUnsignedShort() throws IOException {
    return readShort() & 0xffff;
  }

  @Override
  public char readChar() throws IOException {
    return (char) readShort();
  }

  @Override
  public int readInt() throws IOException {
    return (int) INT.get(bytes, take(4));
  }

  @Override
  public long readLong() throws IOException {
    return (long) LONG.get(bytes, take(8));
  }

  @Override
  public float readFloat() throws IOException {
    return Float.intBitsToFloat(readInt());
  }

  @Override
  public double readDouble() throws IOException {
    return Double.longBitsToDouble(readLong());
  }

  /** Not supported: staged data is binary, written with {@code DataOutput}. */
  @Override
  public String readLine() {
    throw new UnsupportedOperationException("readLine: use readUTF");
  }

  @Override
  public String readUTF() throws IOException {
    return DataInputStream.readUTF(this);
  }
}
