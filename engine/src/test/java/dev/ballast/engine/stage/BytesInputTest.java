package dev.ballast.engine.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BytesInputTest {
  @Test
  void readsWhatDataOutputStreamWrote() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    long[] longs = rnd.longs(50).toArray();
    int[] ints = rnd.ints(50).toArray();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(0xAB);
    for (int i = 0; i < longs.length; i++) {
      out.writeLong(longs[i]);
      out.writeInt(ints[i]);
      out.writeShort(ints[i]);
    }
    out.writeUTF("merchant \u00e9\u4e2d\ud83d\ude00");
    out.writeDouble(-1.5e300);
    out.write(new byte[] {1, 2, 3});

    BytesInput in = new BytesInput(bytes.toByteArray());
    assertEquals(0xAB, in.readUnsignedByte());
    for (int i = 0; i < longs.length; i++) {
      assertEquals(longs[i], in.readLong());
      assertEquals(ints[i], in.readInt());
      assertEquals((short) ints[i], in.readShort());
    }
    assertEquals("merchant \u00e9\u4e2d\ud83d\ude00", in.readUTF());
    assertEquals(-1.5e300, in.readDouble());
    byte[] tail = new byte[3];
    in.readFully(tail);
    assertArrayEquals(new byte[] {1, 2, 3}, tail);
    assertEquals(0, in.remaining());
    assertThrows(EOFException.class, in::readByte);
  }

  @Test
  void readingPastTheRangeFailsAndConsumesNothing() throws IOException {
    byte[] bytes = {0, 0, 0, 7, 9, 9, 9};
    BytesInput in = new BytesInput(bytes, 0, 6);
    assertEquals(7, in.readInt());
    assertThrows(EOFException.class, in::readInt);
    assertEquals(2, in.remaining());
    assertEquals(2, in.skipBytes(10));
  }
}
