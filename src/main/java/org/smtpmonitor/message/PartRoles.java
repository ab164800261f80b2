package org.smtpmonitor.message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which part of a tree is the text body, the HTML body, an inline part or an attachment, as a mail
 * reader sees them. The parts of an attached message are that message's business: the attached
 * message is one attachment here.
 */
final class PartRoles {

    private final List<Part> leaves = new ArrayList<>();
    private final Set<String> inRelated = new HashSet<>();
    private final Optional<Part> textPart;
    private final Optional<Part> htmlPart;

    private PartRoles(Part root) {
        collect(root, false);
        textPart = firstBody("plain");
        htmlPart = firstBody("html");
    }

    static PartRoles of(Part root) {
        return new PartRoles(root);
    }

    /** The first text/plain part that is not an attachment. */
    Optional<Part> textPart() {
        return textPart;
    }

    /** The first text/html part that is not an attachment. */
    Optional<Part> htmlPart() {
        return htmlPart;
    }

    /**
     * Parts that an HTML body shows by {@code cid:} reference: those with a Content-ID inside a
     * multipart/related, or marked inline (RFC 2387, RFC 2392).
     */
    List<Part> inlineParts() {
        List<Part> inline = new ArrayList<>();
        for (Part leaf : leaves) {
            boolean shown = inRelated.contains(leaf.path()) || leaf.disposition().equals("inline");
            if (!leaf.contentId().isEmpty() && shown && !leaf.isAttachment() && !isBody(leaf)) {
                inline.add(leaf);
            }
        }
        return inline;
    }

    /** Every other part with a body: what a reader offers to save. */
    List<Part> attachments() {
        Set<String> inline = new HashSet<>();
        inlineParts().forEach(part -> inline.add(part.path()));
        List<Part> attachments = new ArrayList<>();
        for (Part leaf : leaves) {
            if (!isBody(leaf) && !inline.contains(leaf.path())) {
                attachments.add(leaf);
            }
        }
        return attachments;
    }

    private boolean isBody(Part part) {
        return textPart.filter(part::equals).isPresent() || htmlPart.filter(part::equals).isPresent();
    }

    private Optional<Part> firstBody(String subtype) {
        return leaves.stream().filter(p -> p.isText(subtype) && !p.isAttachment() && !p.raw()).findFirst();
    }

    private void collect(Part part, boolean related) {
        if (part.isAttachedMessage() || part.children().isEmpty()) {
            leaves.add(part);
            if (related) {
                inRelated.add(part.path());
            }
            return;
        }
        boolean childrenRelated = related || part.contentType().equals("multipart/related");
        for (Part child : part.children()) {
            collect(child, childrenRelated);
        }
    }
}
