package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the command line asks of the server that owns the mailbox directory (see
 * {@link DirectoryLock}): rows of the {@code request} table of the {@link MessageIndex},
 * which both processes open. The server takes a request by moving it from {@code new} to
 * {@code running} in one statement, so it is carried out once at most, and notes the
 * result or the error; the command line waits for that. A request nobody took in
 * {@link #UNCLAIMED_LIFE} was left by a command line that gave up or died, and is never
 * carried out; one a server was running when it stopped is marked failed at the next start.
 */
public final class MailboxRequests {

    /** How long a request may wait for a server before it is dropped: the command line waits less. */
    static final Duration UNCLAIMED_LIFE = Duration.ofSeconds(60);
    /** How long the rows of finished requests are kept, for someone looking into the database. */
    private static final Duration KEPT = Duration.ofHours(1);

    public enum Kind { DELETE, CLEAR }

    public enum State { NEW, RUNNING, DONE, FAILED, WITHDRAWN, EXPIRED }

    /**
     * @param argument the ids to delete, separated by commas, or the address to clear
     * @param result   how many messages were deleted, once done
     */
    public record Request(long id, Kind kind, String argument, State state, long result, String error,
                          Instant created) {
    }

    private final MessageIndex index;

    public MailboxRequests(MessageIndex index) {
        this.index = index;
    }

    /** Asks the server to carry out {@code kind} on {@code argument}; returns the request's id. */
    public long ask(Kind kind, String argument) throws IOException {
        return index.transaction("write a request to", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO request (kind, argument, state,"
                    + " created) VALUES (?,?,'new',?)", PreparedStatement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, kind.name().toLowerCase(Locale.ROOT));
                insert.setString(2, argument);
                insert.setLong(3, System.currentTimeMillis());
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    public Optional<Request> request(long id) throws IOException {
        List<Request> found = select("WHERE id = " + id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Withdraws a request no server has taken; false when one has (or it is gone). */
    public boolean withdraw(long id) throws IOException {
        return move(id, State.NEW, State.WITHDRAWN);
    }

    /** The requests waiting for a server, oldest first. */
    List<Request> waiting() throws IOException {
        return select("WHERE state = 'new' ORDER BY id");
    }

    /** Takes a waiting request for this server to carry out; false when another took it first, or it was withdrawn. */
    boolean take(long id) throws IOException {
        return move(id, State.NEW, State.RUNNING);
    }

    /** Drops a waiting request that is too old to be carried out; false when it was taken meanwhile. */
    boolean expire(long id) throws IOException {
        return move(id, State.NEW, State.EXPIRED);
    }

    void done(long id, long result) throws IOException {
        finish(id, State.DONE, result, null);
    }

    void failed(long id, String error) throws IOException {
        finish(id, State.FAILED, 0, error);
    }

    /**
     * At a server's start: a request the last server was running when it stopped is failed,
     * never run again; finished ones older than an hour are removed.
     */
    void tidy() throws IOException {
        index.transaction("tidy the requests in", connection -> {
            try (PreparedStatement stopped = connection.prepareStatement("UPDATE request SET state = 'failed',"
                    + " error = 'the server stopped while it carried this out; look at the mailbox to see what was"
                    + " done' WHERE state = 'running'");
                 PreparedStatement old = connection.prepareStatement(
                         "DELETE FROM request WHERE state NOT IN ('new', 'running') AND created < ?")) {
                stopped.executeUpdate();
                old.setLong(1, System.currentTimeMillis() - KEPT.toMillis());
                old.executeUpdate();
            }
            return null;
        });
    }

    private boolean move(long id, State from, State to) throws IOException {
        return index.transaction("write a request to", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE request SET state = ? WHERE id = ? AND state = ?")) {
                update.setString(1, name(to));
                update.setLong(2, id);
                update.setString(3, name(from));
                return update.executeUpdate() == 1;
            }
        });
    }

    private void finish(long id, State state, long result, String error) throws IOException {
        index.transaction("write a request to", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE request SET state = ?, result = ?, error = ? WHERE id = ?")) {
                update.setString(1, name(state));
                update.setLong(2, result);
                update.setString(3, error);
                update.setLong(4, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    private List<Request> select(String where) throws IOException {
        return index.transaction("read the requests in", connection -> {
            List<Request> found = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id, kind, argument, state, result, error, created FROM request " + where);
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(new Request(rows.getLong(1), Kind.valueOf(rows.getString(2).toUpperCase(Locale.ROOT)),
                            rows.getString(3), State.valueOf(rows.getString(4).toUpperCase(Locale.ROOT)),
                            rows.getLong(5), rows.getString(6), Instant.ofEpochMilli(rows.getLong(7))));
                }
            }
            return found;
        });
    }

    private static String name(State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
