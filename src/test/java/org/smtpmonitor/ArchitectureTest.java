package org.smtpmonitor;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Arrays;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the dependency direction of the packages as docs/ARCHITECTURE.md describes it, on
 * the real dependencies of the compiled main classes (types of fields, parameters and
 * results, calls, supertypes, annotations), not on their import lines. Test classes are
 * left out, so the fixtures of {@link ArchitectureViolationTest} do not count here.
 */
@AnalyzeClasses(packages = "org.smtpmonitor", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** No mail or SMTP library may handle our sockets or our mail, in any package... */
    static final String[] MAIL_LIBRARIES = {"jakarta.mail..", "javax.mail..", "org.eclipse.angus..",
            "org.subethamail..", "com.icegreen..", "org.apache.commons.net..", "org.apache.james.."};
    /** ... but for the message model, which parses what is stored with one of these. */
    static final String[] MESSAGE_PARSERS = {"jakarta.mail..", "org.apache.james.."};

    // One rule per package, saying which of our packages it must not use. Not using javafx
    // is one rule for all of them: nothingOutsideUiUsesJavaFx.

    /** Plain text helpers, for every package to use. */
    @ArchTest
    static final ArchRule textUsesNothingOfOurs = noClasses().that().resideInAPackage(ours("text"))
            .should().dependOnClassesThat(oursExcept("text"));

    /** The SMTP state machine: text in, replies out; no sockets, and no knowledge of who listens. */
    @ArchTest
    static final ArchRule smtpUsesNothingOfOursNorTheNetwork = noClasses().that().resideInAPackage(ours("smtp"))
            .should().dependOnClassesThat(oursExcept("smtp"))
            .orShould().dependOnClassesThat().resideInAPackage("java.net..");

    /**
     * ... and no threads, nor waiting: a reply to be held back (a failed AUTH's) is a Step with
     * a delay, which the server's event loop keeps without blocking anyone.
     */
    @ArchTest
    static final ArchRule smtpNeitherWaitsNorStartsThreads = noClasses().that().resideInAPackage(ours("smtp"))
            .should().dependOnClassesThat().belongToAnyOf(Thread.class, java.util.Timer.class)
            .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent..");

    /** Events describe what the server did, in the words of the SMTP model. */
    @ArchTest
    static final ArchRule eventUsesOnlySmtpOfOurs = noClasses().that().resideInAPackage(ours("event"))
            .should().dependOnClassesThat(oursExcept("event", "smtp"));

    @ArchTest
    static final ArchRule mailboxKnowsNothingOfTheServerOrItsUsers = noClasses().that().resideInAPackage(ours("mailbox"))
            .should().dependOnClassesThat().resideInAnyPackage(ours("server"), ours("app"), ours("ui"),
                    ours("cli"), ours("client"));

    /** The server reaches the mailboxes only through smtp.MessageStore. */
    @ArchTest
    static final ArchRule serverKnowsNothingOfTheMailboxesOrItsUsers = noClasses().that().resideInAPackage(ours("server"))
            .should().dependOnClassesThat().resideInAnyPackage(ours("mailbox"), ours("app"), ours("ui"),
                    ours("cli"), ours("client"));

    @ArchTest
    static final ArchRule appKnowsNothingOfItsUsers = noClasses().that().resideInAPackage(ours("app"))
            .should().dependOnClassesThat().resideInAnyPackage(ours("ui"), ours("cli"));

    /** Our SMTP client talks to any server over the network, ours included, never to its insides. */
    @ArchTest
    static final ArchRule clientKnowsNothingOfTheServer = noClasses().that().resideInAPackage(ours("client"))
            .should().dependOnClassesThat().resideInAnyPackage(ours("server"), ours("mailbox"), ours("ui"));

    /**
     * The client checks server certificates with the JDK alone (javax.net.ssl, its PKIX and
     * its PEM reading): what it trusts is what the JDK would, and no certificate library of
     * the server's side (BouncyCastle) leaks into it.
     */
    @ArchTest
    static final ArchRule clientTrustsThroughTheJdkAlone = noClasses().that().resideInAPackage(ours("client"))
            .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..");

    /** The window reaches the server and the stored mail only through the app facade (Monitor, MailboxDirectory). */
    @ArchTest
    static final ArchRule uiUsesNeitherTheServerNorTheStore = noClasses().that().resideInAPackage(ours("ui"))
            .should().dependOnClassesThat().resideInAnyPackage(ours("server"), ours("mailbox"));

    /** So does the command line: its settings, defaults and mailbox commands come from app. */
    @ArchTest
    static final ArchRule cliUsesNeitherTheServerNorTheStore = noClasses().that().resideInAPackage(ours("cli"))
            .should().dependOnClassesThat().resideInAnyPackage(ours("server"), ours("mailbox"));

    /** The HTTP API is a thin layer over the facade: it reaches neither the server, the store, nor the SMTP client. */
    @ArchTest
    static final ArchRule apiUsesOnlyTheFacade = noClasses().that().resideInAPackage(ours("api"))
            .should().dependOnClassesThat().resideInAnyPackage(ours("server"), ours("mailbox"), ours("client"),
                    ours("ui"), ours("cli"));

    /** JSON parsing (Jackson) serves the API's requests and the command line's reading of the API. */
    @ArchTest
    static final ArchRule jacksonOnlyInApiAndCli = noClasses().that().resideOutsideOfPackages(ours("api"), ours("cli"))
            .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..");

    /** JavaFX, and AtlantaFX's themes for it, belong to the window. */
    @ArchTest
    static final ArchRule nothingOutsideUiUsesJavaFx = noClasses().that().resideOutsideOfPackage(ours("ui"))
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "atlantafx..");

    /** The SMTP path is ours and hand-written: no mail library in main code... */
    @ArchTest
    static final ArchRule noMailLibraryOutsideMessage = noClasses().that().resideOutsideOfPackage(ours("message"))
            .should().dependOnClassesThat().resideInAnyPackage(MAIL_LIBRARIES);

    /** ... but a MIME parser in the message model (which may not exist yet: then there is nothing to check). */
    @ArchTest
    static final ArchRule messageUsesOnlyAMimeParser = noClasses().that().resideInAPackage(ours("message"))
            .should().dependOnClassesThat(resideInAnyPackage(MAIL_LIBRARIES).and(resideOutsideOfPackages(MESSAGE_PARSERS)))
            .allowEmptyShould(true);

    /** HTML from mail is parsed, sanitised (message.SafeHtml) and read as text in the message model, and nowhere else. */
    @ArchTest
    static final ArchRule jsoupOnlyInMessage = noClasses().that().resideOutsideOfPackage(ours("message"))
            .should().dependOnClassesThat().resideInAPackage("org.jsoup..");

    /** The model of stored mail: shared by the store, the window and the command line, it knows none of them. */
    @ArchTest
    static final ArchRule messageUsesOnlyTextOfOurs = noClasses().that().resideInAPackage(ours("message"))
            .should().dependOnClassesThat(oursExcept("message", "text"))
            .allowEmptyShould(true);

    /** BouncyCastle makes and reads certificates, in the tls package only; the handshake itself is the JDK's. */
    @ArchTest
    static final ArchRule bouncyCastleOnlyInTls = noClasses().that().resideOutsideOfPackage(ours("tls"))
            .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..");

    /** Certificates and keys, from files or made: knows nothing of the server, the store or who shows them. */
    @ArchTest
    static final ArchRule tlsUsesNothingOfOurs = noClasses().that().resideInAPackage(ours("tls"))
            .should().dependOnClassesThat(oursExcept("tls", "text"));

    @ArchTest
    static final ArchRule noCyclesBetweenOurPackages = packagesFreeOfCycles("org.smtpmonitor.(*)..");

    /** Our packages are free of cycles: the packages matched by {@code (*)} in {@code pattern}, each with its subpackages. */
    static ArchRule packagesFreeOfCycles(String pattern) {
        return slices().matching(pattern).should().beFreeOfCycles();
    }

    static String ours(String pkg) {
        return "org.smtpmonitor." + pkg + "..";
    }

    /** A class of ours outside the given packages (and their subpackages). */
    static DescribedPredicate<JavaClass> oursExcept(String... packages) {
        String[] allowed = Arrays.stream(packages).map(ArchitectureTest::ours).toArray(String[]::new);
        return resideInAPackage("org.smtpmonitor..").and(resideOutsideOfPackages(allowed))
                .as("classes of ours outside " + String.join(", ", packages));
    }
}
