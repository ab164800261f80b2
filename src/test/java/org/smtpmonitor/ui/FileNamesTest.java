package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNamesTest {

    @TempDir
    Path folder;

    @Test
    void aNameKeepsOnlyItsLastSegmentAndNothingHiddenOrForbidden() {
        assertEquals("evil.txt", FileNames.safe("../../evil.txt", "x"));
        assertEquals("run.bat", FileNames.safe("..\\..\\Windows\\run.bat", "x"));
        assertEquals("bashrc", FileNames.safe(".bashrc", "x"), "no hidden file");
        assertEquals("invoicetxt.exe", FileNames.safe("invoice\u202etxt.exe", "x"), "no bidi mark");
        assertEquals("a[31mb.txt", FileNames.safe("a\u001b[31m\u0007b.txt", "x"), "no control character");
        assertEquals("a_b_.txt", FileNames.safe("a:b?.txt", "x"));
        assertEquals("_con.txt", FileNames.safe("con.txt", "x"), "no Windows device");
        assertEquals("x", FileNames.safe("..", "x"));
        assertEquals("x", FileNames.safe(" . ", "x"));
        assertEquals("x", FileNames.safe(null, "x"));
        assertEquals("Gr\u00fc\u00dfe.pdf", FileNames.safe("Gr\u00fc\u00dfe.pdf", "x"), "letters of any script stay");
    }

    @Test
    void aLongNameIsShortenedKeepingItsExtension() {
        String safe = FileNames.safe("\u00e9".repeat(300) + ".pdf", "x");
        assertTrue(safe.endsWith(".pdf") && safe.getBytes(StandardCharsets.UTF_8).length <= FileNames.MAX_BYTES, safe);
    }

    @Test
    void aTakenNameIsNumberedAndNoNameLeavesTheFolder() throws IOException {
        assertEquals(folder.resolve("a.txt"), FileNames.freeIn(folder, "a.txt"));
        Files.writeString(folder.resolve("a.txt"), "1");
        Files.writeString(folder.resolve("a (2).txt"), "2");
        assertEquals(folder.resolve("a (3).txt"), FileNames.freeIn(folder, "a.txt"));
        assertThrows(IOException.class, () -> FileNames.freeIn(folder, "../a.txt"));
    }
}
