package org.smtpmonitor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    private static final String COLONS = "D4:1E:13:49:12:53:F7:9B:01:B2:2D:D5:B8:C7:29:66:E0:25:80:8F:B2:15:3E:04:F2:7A:28:6A:4A:38:37:50";

    @Test
    void aFingerprintIsReadWithOrWithoutColonsInAnyCase() {
        Fingerprint fingerprint = Fingerprint.parse(COLONS);
        assertEquals(fingerprint, Fingerprint.parse(COLONS.replace(":", "").toLowerCase(Locale.ROOT)));
        assertEquals(fingerprint, Fingerprint.parse("  " + COLONS.toLowerCase(Locale.ROOT) + "\n"));
        assertEquals(COLONS.toLowerCase(Locale.ROOT), fingerprint.toString());
    }

    @Test
    void whatIsNotASha256FingerprintSaysWhy() {
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> Fingerprint.parse(COLONS.substring(3)));
        assertTrue(shortOne.getMessage().endsWith("it has 62 hex digits, not 64"), shortOne.getMessage());
        IllegalArgumentException notHex = assertThrows(IllegalArgumentException.class,
                () -> Fingerprint.parse("zz" + COLONS.substring(2)));
        assertTrue(notHex.getMessage().contains("only hex digits and colons"), notHex.getMessage());
        // Digits of other scripts are digits to Character.digit, not to a fingerprint.
        assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse("\u0661" + COLONS.substring(1)));
    }
}
