package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.message.Part;

/** The headers a part is served with: nothing from the message can split or forge one. */
class PartHeadersTest {

    private static Part part(String type, String charset, String filename) {
        return new Part("1.2", type, charset, "base64", "attachment", filename, "", 3, false, List.of());
    }

    @Test
    void aNameWithLineBreaksQuotesAndAPathBecomesOneSafeName() {
        String disposition = PartHeaders.disposition(part("text/plain", "utf-8", "..\\..\r\nSet-Cookie: x=\"1\"/\u202eexe.txt"), true);

        assertEquals("attachment; filename=\"_..__Set-Cookie: x=_1___exe.txt\"; "
                + "filename*=UTF-8''_..__Set-Cookie%3A%20x%3D_1___exe.txt", disposition);
    }

    @Test
    void anAttachmentWithoutANameIsStillAnAttachmentAndAnInlinePartWithoutOneHasNone() {
        assertEquals("attachment", PartHeaders.disposition(part("image/png", "", ""), true));
        assertNull(PartHeaders.disposition(part("image/png", "", ""), false));
        assertEquals("inline; filename=\"a.png\"; filename*=UTF-8''a.png", PartHeaders.disposition(part("image/png", "", "a.png"), false));
    }

    @Test
    void aMalformedTypeOrCharsetIsNotPassedOn() {
        assertEquals("text/plain; charset=iso-8859-1", PartHeaders.contentType(part("text/plain", "iso-8859-1", "")));
        assertEquals("text/plain", PartHeaders.contentType(part("text/plain", "x\r\ny", "")));
        assertEquals("application/octet-stream", PartHeaders.contentType(part("text/html\r\nx: y", "", "")));
        assertEquals("image/png", PartHeaders.contentType(part("image/png", "utf-8", "")));
    }
}
