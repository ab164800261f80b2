package org.smtpmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.api.ApiServer;
import org.smtpmonitor.api.fixture.BypassesTheFacade;
import org.smtpmonitor.architecture.fixture.ParsesJson;
import org.smtpmonitor.architecture.fixture.UsesJavaFx;
import org.smtpmonitor.architecture.fixture.UsesBouncyCastle;
import org.smtpmonitor.architecture.fixture.UsesJsoup;
import org.smtpmonitor.architecture.fixture.UsesMailLibrary;
import org.smtpmonitor.architecture.fixture.cycle.a.First;
import org.smtpmonitor.architecture.fixture.cycle.b.Second;
import org.smtpmonitor.cli.fixture.ReadsTheMailboxFormat;
import org.smtpmonitor.client.TlsClient;
import org.smtpmonitor.client.fixture.ParsesCertificatesWithBouncyCastle;
import org.smtpmonitor.message.SafeHtml;
import org.smtpmonitor.message.fixture.ParsesMail;
import org.smtpmonitor.message.fixture.UsesAngusDirectly;
import org.smtpmonitor.smtp.Reply;
import org.smtpmonitor.smtp.SmtpSession;
import org.smtpmonitor.smtp.Step;
import org.smtpmonitor.smtp.fixture.KnowsEventsAndSockets;
import org.smtpmonitor.smtp.fixture.WaitsForADelay;
import org.smtpmonitor.tls.PemFiles;
import org.smtpmonitor.tls.SelfSignedCertificate;
import org.smtpmonitor.ui.Launcher;
import org.smtpmonitor.ui.MonitorApp;
import org.smtpmonitor.ui.fixture.ReachesIntoTheStore;

/**
 * The rules of {@link ArchitectureTest} fail on deliberate violations: test-only classes
 * (left out of ArchitectureTest's own scan) that break them. A rule that passed on
 * anything would keep nothing.
 */
class ArchitectureViolationTest {

    @Test
    void javaFxOutsideUiIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.nothingOutsideUiUsesJavaFx, UsesJavaFx.class);
        assertTrue(result.hasViolation());
        assertTrue(report(result).contains("javafx.scene.control.Label"), report(result));
        assertTrue(report(result).contains("atlantafx.base.theme.PrimerDark"), report(result));
    }

    @Test
    void smtpUsingEventOrTheNetworkIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.smtpUsesNothingOfOursNorTheNetwork,
                KnowsEventsAndSockets.class);
        assertTrue(report(result).contains("org.smtpmonitor.event.SessionEvent"), report(result));
        assertTrue(report(result).contains("java.net.Socket"), report(result));
    }

    @Test
    void smtpSleepingOrSchedulingIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.smtpNeitherWaitsNorStartsThreads, WaitsForADelay.class);
        assertTrue(report(result).contains("java.lang.Thread.sleep"), report(result));
        assertTrue(report(result).contains("java.util.concurrent.ScheduledExecutorService"), report(result));
        assertFalse(evaluate(ArchitectureTest.smtpNeitherWaitsNorStartsThreads, SmtpSession.class, Step.class)
                .hasViolation());
    }

    @Test
    void aCertificateLibraryInTheClientIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.clientTrustsThroughTheJdkAlone,
                ParsesCertificatesWithBouncyCastle.class);
        assertTrue(report(result).contains("org.bouncycastle.cert.X509CertificateHolder"), report(result));
        assertFalse(evaluate(ArchitectureTest.clientTrustsThroughTheJdkAlone, TlsClient.class).hasViolation());
    }

    @Test
    void aMailLibraryOutsideMessageIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.noMailLibraryOutsideMessage, UsesMailLibrary.class);
        assertTrue(report(result).contains("jakarta.mail.internet.MimeMessage"), report(result));
    }

    @Test
    void theMessageModelMayParseWithJakartaMailButUseNoOtherMailLibrary() {
        assertFalse(evaluate(ArchitectureTest.messageUsesOnlyAMimeParser, ParsesMail.class).hasViolation());
        assertFalse(evaluate(ArchitectureTest.noMailLibraryOutsideMessage, ParsesMail.class, Reply.class).hasViolation());
        EvaluationResult result = evaluate(ArchitectureTest.messageUsesOnlyAMimeParser, UsesAngusDirectly.class);
        assertTrue(report(result).contains("org.eclipse.angus.mail.util.ASCIIUtility"), report(result));
    }

    @Test
    void jsoupOutsideMessageIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.jsoupOnlyInMessage, UsesJsoup.class);
        assertTrue(report(result).contains("org.jsoup.Jsoup.parse"), report(result));
        assertFalse(evaluate(ArchitectureTest.jsoupOnlyInMessage, SafeHtml.class, Reply.class).hasViolation());
    }

    @Test
    void bouncyCastleOutsideTlsIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.bouncyCastleOnlyInTls, UsesBouncyCastle.class);
        assertTrue(report(result).contains("org.bouncycastle.asn1.x500.X500Name"), report(result));
        assertFalse(evaluate(ArchitectureTest.bouncyCastleOnlyInTls, PemFiles.class, SelfSignedCertificate.class, Reply.class)
                .hasViolation(), "the tls package's own classes, and one that uses no BouncyCastle");
    }

    @Test
    void theWindowReachingTheServerOrTheStoreIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.uiUsesNeitherTheServerNorTheStore, ReachesIntoTheStore.class);
        assertTrue(report(result).contains("org.smtpmonitor.server.SmtpServer.isRunning()"), report(result));
        assertTrue(report(result).contains("org.smtpmonitor.mailbox.MailboxStore"), report(result));
        assertFalse(evaluate(ArchitectureTest.uiUsesNeitherTheServerNorTheStore, Launcher.class, MonitorApp.class)
                .hasViolation(), "the window's own classes, which go through app");
    }

    @Test
    void theApiReachingTheServerTheStoreOrTheClientIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.apiUsesOnlyTheFacade, BypassesTheFacade.class);
        assertTrue(report(result).contains("org.smtpmonitor.server.SmtpServer.isRunning()"), report(result));
        assertTrue(report(result).contains("org.smtpmonitor.mailbox.MailboxStore"), report(result));
        assertTrue(report(result).contains("org.smtpmonitor.client.SmtpConnection"), report(result));
        assertFalse(evaluate(ArchitectureTest.apiUsesOnlyTheFacade, ApiServer.class).hasViolation(),
                "the API's own server, which goes through app");
    }

    @Test
    void jsonParsingOutsideApiAndCliIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.jacksonOnlyInApiAndCli, ParsesJson.class);
        assertTrue(report(result).contains("com.fasterxml.jackson.databind.ObjectMapper"), report(result));
    }

    @Test
    void theCommandLineReachingTheServerOrTheStoreIsAViolation() {
        EvaluationResult result = evaluate(ArchitectureTest.cliUsesNeitherTheServerNorTheStore,
                ReadsTheMailboxFormat.class);
        assertTrue(report(result).contains("org.smtpmonitor.mailbox.MailboxFormat.MBOX"), report(result));
        assertTrue(report(result).contains("org.smtpmonitor.server.ServerConfig.defaultMaxMemory"), report(result));
    }

    @Test
    void aPackageCycleIsAViolation() {
        EvaluationResult result = evaluate(
                ArchitectureTest.packagesFreeOfCycles("org.smtpmonitor.architecture.fixture.cycle.(*).."),
                First.class, Second.class);
        assertTrue(result.hasViolation(), report(result));
    }

    @Test
    void theRulesHoldForCleanClasses() {
        assertFalse(evaluate(ArchitectureTest.smtpUsesNothingOfOursNorTheNetwork, Reply.class, SmtpSession.class)
                .hasViolation());
        assertFalse(evaluate(ArchitectureTest.nothingOutsideUiUsesJavaFx, Reply.class).hasViolation());
    }

    @Test
    void theMainScanSeesTheMainClassesAndNoTestClass() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("org.smtpmonitor");
        assertTrue(main.contain(SmtpSession.class));
        assertFalse(main.contain(UsesJavaFx.class));
        assertEquals(List.of(), main.stream().filter(c -> c.getPackageName().contains("fixture")).toList());
    }

    private static EvaluationResult evaluate(ArchRule rule, Class<?>... classes) {
        return rule.evaluate(new ClassFileImporter().importClasses(classes));
    }

    private static String report(EvaluationResult result) {
        return String.join("\n", result.getFailureReport().getDetails());
    }
}
