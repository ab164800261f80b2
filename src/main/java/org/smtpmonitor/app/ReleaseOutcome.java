package org.smtpmonitor.app;

import java.util.List;

/**
 * What became of a release: whether the server took the message for every recipient, the
 * conversation as a transcript (commands as {@code C: ...}, replies as {@code S: ...}, notes
 * as {@code -- ...}; AUTH secrets masked), and one line that says it.
 *
 * @param delivered  the server answered 250 to the message for every recipient
 * @param accepted   the recipients the server accepted
 * @param refused    the recipients it refused, each with its reply
 * @param transcript the conversation, line by line, printable
 * @param summary    one line, such as {@code 250 2.0.0 Ok: queued as ABC (2 recipients)} or the failure
 */
public record ReleaseOutcome(boolean delivered, List<String> accepted, List<String> refused, List<String> transcript,
                             String summary) {

    public ReleaseOutcome {
        accepted = List.copyOf(accepted);
        refused = List.copyOf(refused);
        transcript = List.copyOf(transcript);
    }
}
