package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What goes on the wire for a message's data (RFC 5321 4.5.2), before the final "." line. */
class DotStuffingTest {

    private static String stuffed(String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // A slice in the middle of a larger array, as a benchmark's buffer would be.
        byte[] framed = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, framed, 2, bytes.length);
        framed[0] = '.';
        framed[framed.length - 1] = '.';
        DotStuffing.write(framed, 2, bytes.length, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"                         | \"\"",
            "a\\r\\n                    | a\\r\\n",
            "a                          | a\\r\\n",
            ".a\\r\\n                   | ..a\\r\\n",
            "a\\r\\n.\\r\\nb\\r\\n      | a\\r\\n..\\r\\nb\\r\\n",
            "a\\r\\n..b\\r\\n.          | a\\r\\n...b\\r\\n..\\r\\n",
            "a\\n.b\\r\\n               | a\\n.b\\r\\n",
            "a\\r.b                     | a\\r.b\\r\\n",
            "a\\r                       | a\\r\\r\\n",
            ".                          | ..\\r\\n",
    })
    void linesStartingWithADotGetAnotherAndTheDataEndsWithCrlf(String data, String wire) throws IOException {
        assertEquals(unescape(wire), stuffed(unescape(data)));
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }
}
