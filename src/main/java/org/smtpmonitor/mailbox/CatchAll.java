package org.smtpmonitor.mailbox;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which addresses no users file lists are accepted all the same, each into a mailbox of its
 * own made on its first delivery: every address of {@code domains} (the users file's
 * {@code *@example.com} lines, kept in lower case), or every address at all
 * ({@code --catch-all}).
 *
 * @param everyDomain every address of every domain is accepted
 * @param domains     the domains all of whose addresses are accepted, in lower case (ASCII, {@code xn--} form),
 *                    in the order of the users file
 */
public record CatchAll(boolean everyDomain, Set<String> domains) {

    /** Nothing but the listed users. */
    public static final CatchAll NONE = new CatchAll(false, Set.of());

    public CatchAll {
        Set<String> lowerCase = new LinkedHashSet<>();
        for (String domain : domains) {
            lowerCase.add(domain.toLowerCase(Locale.ROOT));
        }
        domains = Collections.unmodifiableSet(lowerCase);
    }

    /** Whether any address at all is caught. */
    public boolean isOn() {
        return everyDomain || !domains.isEmpty();
    }

    /** Whether every address of {@code domain} (in lower case) is accepted. */
    public boolean accepts(String domain) {
        return everyDomain || domains.contains(domain);
    }

    /** This catch-all, and every other address too: what {@code --catch-all} adds to a users file's. */
    public CatchAll everywhere() {
        return new CatchAll(true, domains);
    }
}
