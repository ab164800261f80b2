package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import java.util.prefs.Preferences;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.ReleaseTarget;
import org.smtpmonitor.app.ReleaseTarget.Security;

/** The Release… form as remembered, in a preferences node of the test's own, removed afterwards. */
class ReleaseFormTest {

    private final Preferences node = Preferences.userRoot().node("org/smtpmonitor/test/" + UUID.randomUUID());

    @AfterEach
    void removeNode() throws Exception {
        Preferences parent = node.parent();
        node.removeNode();
        parent.flush();
    }

    @Test
    void anEmptyNodeGivesAPlainServerOnThisMachine() {
        assertEquals(ReleaseForm.FRESH, ReleaseForm.read(node));
    }

    @Test
    void whatIsWrittenIsReadBackAndNoPasswordIsWritten() throws Exception {
        ReleaseForm form = new ReleaseForm("smtp.test.org", 587, Security.STARTTLS, "me", true, "a@x.org, b@x.org");
        form.write(node);
        assertEquals(form, ReleaseForm.read(node));
        assertEquals(List.of("host", "insecure", "port", "recipients", "security", "user"),
                java.util.Arrays.stream(node.keys()).sorted().toList());
    }

    @Test
    void whatAHandEditBrokeIsIgnoredKeyByKey() {
        node.put(ReleaseForm.SECURITY, "carrier-pigeon");
        node.put(ReleaseForm.PORT, "99999");
        node.put(ReleaseForm.HOST, "mail.test.org");
        ReleaseForm form = ReleaseForm.read(node);
        assertEquals(new ReleaseForm("mail.test.org", 25, Security.PLAIN, "", false, ""), form);
    }

    @Test
    void theTargetTakesThePasswordTypedNowAndTheRecipientsOneEach() {
        ReleaseTarget target = new ReleaseForm(" smtp.test.org ", 465, Security.TLS, "me", false, "a@x.org,b@x.org  c@x.org;")
                .target("secret");
        assertEquals(new ReleaseTarget("smtp.test.org", 465, Security.TLS, "me", "secret", false,
                List.of("a@x.org", "b@x.org", "c@x.org")), target);
        ReleaseTarget anonymous = new ReleaseForm("h", 25, Security.PLAIN, " ", false, "").target("ignored");
        assertNull(anonymous.user());
        assertNull(anonymous.password());
        assertEquals(List.of(), anonymous.recipients());
        IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
                () -> new ReleaseForm(" ", 25, Security.PLAIN, "", false, "").target(null));
        assertEquals("the host is empty", noHost.getMessage());
    }
}
