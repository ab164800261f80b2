package org.smtpmonitor.mailbox;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The last rewrites of each mailbox's file (deletes), so that a copy appended to a file
 * before its rewrite, but handed to the index after (its session was still waiting for the
 * disk), is indexed where it lies now: in the new file, moved up by the bytes cut before
 * it. Used by the index's thread alone.
 */
final class RewriteHistory {

    /** The most rewrites of one mailbox remembered: a copy is handed over within moments of its append. */
    private static final int KEPT = 16;

    /**
     * Which file a copy went to: its identity (see {@link AppendJournal#identity}) and how
     * many times the mailbox had been rewritten then. An identity alone could be ambiguous:
     * a new file may reuse the inode of one a rewrite deleted.
     */
    record FileVersion(long identity, long rewrites) {
    }

    /** A rewrite of a mailbox's file {@code fromIdentity} into {@code toIdentity}, less {@code cuts}. */
    record Rewrite(long fromIdentity, long toIdentity, Cuts cuts) {
    }

    /** A rewrite as remembered: the mailbox's {@code number}-th, from 0. */
    private record Numbered(long number, Rewrite rewrite) {
    }

    /** By address, oldest first. */
    private final Map<String, ArrayDeque<Numbered>> rewrites = new HashMap<>();

    /** Notes the {@code number}-th rewrite (from 0) of {@code address}'s file. */
    void add(String address, long number, Rewrite rewrite) {
        ArrayDeque<Numbered> kept = rewrites.computeIfAbsent(address, a -> new ArrayDeque<>());
        kept.addLast(new Numbered(number, rewrite));
        if (kept.size() > KEPT) {
            kept.removeFirst();
        }
    }

    /**
     * {identity, offset} of the copy appended at {@code offset} of {@code file}, in the file
     * that has the mailbox's name now; null when rewrites moved it beyond what is remembered.
     */
    long[] placeNow(String address, FileVersion file, long offset) {
        long[] place = {file == null ? 0 : file.identity(), offset};
        ArrayDeque<Numbered> kept = rewrites.get(address);
        if (file == null || kept == null || kept.peekLast().number() < file.rewrites()) {
            return place;
        }
        if (kept.peekFirst().number() > file.rewrites()) {
            return null;
        }
        for (Numbered numbered : kept) {
            if (numbered.number() >= file.rewrites()) {
                place[1] = numbered.rewrite().cuts().shifted(place[1]);
                place[0] = numbered.rewrite().toIdentity();
            }
        }
        return place;
    }
}
