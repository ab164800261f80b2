package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.apache.james.mime4j.codec.Base64InputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link Base64Size} against the decoder that gives the bytes when they are wanted (mime4j's):
 * the same size and the same notes, for well-formed base64 and for every kind of damage.
 */
class Base64SizeTest {

    /** Bytes of the body after the first {@code =}, anything, and bytes to split the counting at. */
    private static final byte[] PIECES = "AQZaz09+/====\r\n \t!*-\u00e9".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void wellFormedBase64CountsTheBytesItEncodes() {
        for (int length = 0; length < 200; length++) {
            byte[] data = new byte[length];
            new Random(length).nextBytes(data);
            byte[] encoded = Base64.getMimeEncoder().encode(data);
            assertEquals(length, count(encoded, 7).size(), "a body of " + length + " bytes");
            assertEquals(length, decode(encoded).size(), "mime4j agrees");
        }
    }

    @Test
    void damagedBase64CountsWhatTheDecoderGivesWithItsNotes() {
        Random random = new Random(12);
        for (int round = 0; round < 5_000; round++) {
            byte[] body = new byte[random.nextInt(40)];
            for (int i = 0; i < body.length; i++) {
                // Mostly letters, so that whole groups occur between the damage.
                body[i] = random.nextInt(3) > 0 ? (byte) "QUJDREVG".charAt(random.nextInt(8))
                        : PIECES[random.nextInt(PIECES.length)];
            }
            Result decoded = decode(body);
            Result counted = count(body, 1 + random.nextInt(8));
            assertEquals(decoded, counted, "for " + new String(body, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void nothingAfterTheFirstPaddingCounts() {
        byte[] body = "QQ==QUJD\r\n!!".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new Result(1, List.of()), count(body, 100));
        assertEquals(decode(body), count(body, 100));
    }

    private record Result(long size, List<String> notes) {
    }

    /** Counts the body in pieces of {@code piece} bytes, as a stream gives it. */
    private static Result count(byte[] body, int piece) {
        Problems problems = Problems.collecting();
        Base64Size size = new Base64Size(problems);
        for (int at = 0; at < body.length; at += piece) {
            size.count(body, at, Math.min(piece, body.length - at));
        }
        long total = size.finish();
        return new Result(total, problems.list());
    }

    private static Result decode(byte[] body) {
        Problems problems = Problems.collecting();
        try (InputStream in = new Base64InputStream(new ByteArrayInputStream(body), problems)) {
            long total = in.readAllBytes().length;
            return new Result(total, problems.list());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
