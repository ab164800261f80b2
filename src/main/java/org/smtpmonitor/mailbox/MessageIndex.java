package org.smtpmonitor.mailbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.smtpmonitor.message.Arrival;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.MessageOrder;

/**
 * The index of the messages in the mailbox files: an SQLite database,
 * {@code .smtp-monitor/index.db} in the mailbox directory, that a user can open with
 * {@code sqlite3}. For each stored copy it keeps where it lies in its file, its envelope
 * and its summary headers, and the words of its subject, addresses and text for search.
 *
 * <p>It is derived data: the mailbox files stay the truth, and deleting the database
 * only makes it be built again ({@link IndexReconciler}). Writes are batched and committed
 * without a sync of their own ({@code synchronous=NORMAL} in WAL mode): a power loss can
 * cost the last batches of the index, never mail. Another process (the command line while
 * the server runs) may open the same database: SQLite's locking serialises the writers,
 * and readers see the last committed batch. Thread-safe: one connection, used by one
 * thread at a time.
 */
public final class MessageIndex implements AutoCloseable {

    static final String FILE = "index.db";
    private static final int AUTOCHECKPOINT_PAGES = 10_000;
    private static final String COLUMNS = "id, mailbox, offset, length, size, received, queue_id, session_id, client,"
            + " helo, envelope_from, envelope_to, header_from, header_to, header_cc, subject, header_date, message_id,"
            + " summarized, tls_protocol, tls_cipher, auth_mechanism, auth_user";
    /**
     * How each message arrived (see {@link Arrival}): NULL when not known (a copy found by a
     * rescan, or indexed before these columns were), empty for no TLS or no AUTH.
     */
    private static final String ARRIVAL_COLUMNS = "tls_protocol TEXT, tls_cipher TEXT, auth_mechanism TEXT,"
            + " auth_user TEXT";
    /** The same, named as columns of the message table: a search joins it with the words, which have a subject too. */
    private static final String MESSAGE_COLUMNS = "message." + COLUMNS.replace(", ", ", message.");
    /** The same, and whether the window has shown the message: what a list gets. */
    private static final String LISTED_COLUMNS = MESSAGE_COLUMNS
            + ", EXISTS (SELECT 1 FROM message_read WHERE message_read.id = message.id)";

    private final Path file;
    private final Connection connection;

    private MessageIndex(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Where the index of the mailboxes in {@code mailboxDirectory} is kept. */
    public static Path fileOf(Path mailboxDirectory) {
        return mailboxDirectory.resolve(AppendJournal.DIRECTORY).resolve(FILE);
    }

    /** Opens (creating if need be) the index of the mailboxes in {@code mailboxDirectory}. */
    public static MessageIndex open(Path mailboxDirectory) throws IOException {
        Path file = fileOf(mailboxDirectory);
        Path directory = file.getParent();
        if (Files.isSymbolicLink(directory)) {
            throw new IOException(directory + " is a symbolic link; smtp-monitor writes only inside the mailbox directory");
        }
        Files.createDirectories(directory);
        if (Files.isSymbolicLink(file) || Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
            throw new IOException("the message index " + file + " is not a regular file");
        }
        SqliteNative.prepare();
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = NORMAL");
                // A checkpoint syncs the database file, on the disk the mailboxes are synced to:
                // under a flood, one every 40 MB of log rather than every 4 MB, and the rest
                // when the index writer is idle (checkpoint()).
                statement.execute("PRAGMA wal_autocheckpoint = " + AUTOCHECKPOINT_PAGES);
                // indexed_to is never less than the end of a message of the mailbox; messages is
                // how many it has and bytes how many bytes they take (see count()), so that the
                // counts need not count a million rows; skipped is how many bytes below
                // indexed_to were found at the last start to hold no message the index can place
                // (see uncovered()).
                statement.execute("CREATE TABLE IF NOT EXISTS mailbox (address TEXT PRIMARY KEY,"
                        + " identity INTEGER NOT NULL DEFAULT 0, indexed_to INTEGER NOT NULL DEFAULT 0,"
                        + " messages INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,"
                        + " skipped INTEGER NOT NULL DEFAULT 0)");
                statement.execute("CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " mailbox TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,"
                        + " size INTEGER NOT NULL, received INTEGER NOT NULL, queue_id TEXT, session_id INTEGER,"
                        + " client TEXT, helo TEXT, envelope_from TEXT, envelope_to TEXT, header_from TEXT,"
                        + " header_to TEXT, header_cc TEXT, subject TEXT, header_date TEXT, message_id TEXT,"
                        + " summarized INTEGER NOT NULL DEFAULT 0, " + ARRIVAL_COLUMNS + ")");
                statement.execute("CREATE INDEX IF NOT EXISTS message_by_mailbox ON message (mailbox, id)");
                statement.execute("CREATE INDEX IF NOT EXISTS message_to_summarize ON message (id) WHERE summarized = 0");
                statement.execute("CREATE TABLE IF NOT EXISTS setting (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                // The messages the window has shown (see ReadMarks): a table of their own, so that
                // a delivery writes nothing more, and an index written before it gains it here.
                statement.execute("CREATE TABLE IF NOT EXISTS message_read (id INTEGER PRIMARY KEY)");
                statement.execute("CREATE TRIGGER IF NOT EXISTS message_read_forget AFTER DELETE ON message"
                        + " BEGIN DELETE FROM message_read WHERE id = old.id; END");
                // A rewrite of a mailbox file under way: see IndexRewrite.
                statement.execute("CREATE TABLE IF NOT EXISTS rewrite (mailbox TEXT PRIMARY KEY,"
                        + " from_identity INTEGER NOT NULL, to_identity INTEGER NOT NULL, cuts TEXT NOT NULL)");
                // What the command line asks of the server that owns the directory: see MailboxRequests.
                statement.execute("CREATE TABLE IF NOT EXISTS request (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " kind TEXT NOT NULL, argument TEXT NOT NULL, state TEXT NOT NULL, result INTEGER,"
                        + " error TEXT, created INTEGER NOT NULL)");
                // Contentless: the words are searched, the text itself stays in the mailbox files.
                statement.execute("CREATE VIRTUAL TABLE IF NOT EXISTS message_text USING fts5(subject, addresses,"
                        + " body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')");
                // An index written by an older version gains what this one keeps.
                migrate(statement, "mailbox", "messages",
                        "ALTER TABLE mailbox ADD COLUMN messages INTEGER NOT NULL DEFAULT 0",
                        "INSERT OR IGNORE INTO mailbox (address) SELECT DISTINCT mailbox FROM message",
                        "UPDATE mailbox SET messages = (SELECT count(*) FROM message"
                                + " WHERE message.mailbox = mailbox.address)");
                migrate(statement, "mailbox", "bytes",
                        "ALTER TABLE mailbox ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0",
                        "ALTER TABLE mailbox ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0",
                        "UPDATE mailbox SET bytes = (SELECT coalesce(sum(length), 0) FROM message"
                                + " WHERE message.mailbox = mailbox.address)");
                // Older rows keep NULL in these: how they arrived is not known.
                migrate(statement, "message", "tls_protocol", Arrays.stream(ARRIVAL_COLUMNS.split(", "))
                        .map(column -> "ALTER TABLE message ADD COLUMN " + column).toArray(String[]::new));
            }
            connection.setAutoCommit(false);
            connection.commit();
            return new MessageIndex(file, connection);
        } catch (SQLException e) {
            throw new IOException("cannot open the message index " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code changes} once, when {@code table} has no column {@code column} yet: in a
     * transaction that holds the write lock from its start, so that of two processes opening
     * the same index only one makes them.
     */
    private static void migrate(Statement statement, String table, String column, String... changes)
            throws SQLException {
        if (hasColumn(statement, table, column)) {
            return;
        }
        statement.execute("BEGIN IMMEDIATE");
        try {
            if (!hasColumn(statement, table, column)) {
                for (String change : changes) {
                    statement.execute(change);
                }
            }
            statement.execute("COMMIT");
        } catch (SQLException e) {
            statement.execute("ROLLBACK");
            throw e;
        }
    }

    private static boolean hasColumn(Statement statement, String table, String name) throws SQLException {
        try (ResultSet columns = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (columns.next()) {
                if (columns.getString("name").equals(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Whether the file of the mailbox of {@code address} is being rewritten (a delete noted
     * and not yet followed): its rows may then not say where its messages lie.
     */
    public boolean rewriting(String address) throws IOException {
        return IndexRewrite.pending(this, address).isPresent();
    }

    /**
     * Adds {@code change} to the count of the mailbox of {@code address} (whose row exists),
     * and {@code bytes} to the bytes its messages take: every transaction that adds or
     * removes messages calls it, before it commits.
     */
    void count(String address, long change, long bytes) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE mailbox SET messages = messages + ?, bytes = bytes + ? WHERE address = ?")) {
            update.setLong(1, change);
            update.setLong(2, bytes);
            update.setString(3, address);
            update.executeUpdate();
        }
    }

    /**
     * A copy to add: its place, its envelope and summary, and the text searched for it; a
     * null {@code bodyText} adds the copy as not yet summarized (see {@link #summarize}).
     */
    public record NewEntry(IndexedMessage message, String bodyText) {
    }

    /**
     * Adds the copies in one transaction, and notes for each mailbox that its file
     * ({@code identity}) is indexed up to the end of the last of them.
     */
    public synchronized void add(List<NewEntry> entries, Map<String, Long> identities) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement message = connection.prepareStatement("INSERT INTO message (mailbox, offset, length,"
                + " size, received, queue_id, session_id, client, helo, envelope_from, envelope_to, tls_protocol,"
                + " tls_cipher, auth_mechanism, auth_user, header_from, header_to, header_cc, subject, header_date,"
                + " message_id, summarized) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
                Statement.RETURN_GENERATED_KEYS);
             PreparedStatement place = connection.prepareStatement("INSERT INTO message (mailbox, offset, length,"
                     + " size, received, queue_id, session_id, client, helo, envelope_from, envelope_to, tls_protocol,"
                     + " tls_cipher, auth_mechanism, auth_user, header_from, header_to, header_cc, subject,"
                     + " header_date, message_id, summarized) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'','','','','','',0)");
             PreparedStatement text = connection.prepareStatement(
                     "INSERT INTO message_text (rowid, subject, addresses, body) VALUES (?,?,?,?)");
             PreparedStatement mailbox = connection.prepareStatement("INSERT INTO mailbox (address, identity,"
                     + " indexed_to) VALUES (?,?,?) ON CONFLICT (address) DO UPDATE SET identity = excluded.identity,"
                     + " indexed_to = max(indexed_to, excluded.indexed_to)")) {
            Map<String, Long> ends = new LinkedHashMap<>();
            Map<String, Long> added = new LinkedHashMap<>();
            Map<String, Long> bytes = new LinkedHashMap<>();
            boolean places = false;
            for (NewEntry entry : entries) {
                IndexedMessage m = entry.message();
                if (entry.bodyText() == null) {
                    // Only the place and the envelope: in one batch, which the driver runs in
                    // one native call (under a flood this is the index's whole cost per message).
                    bindEnvelope(place, m);
                    place.addBatch();
                    places = true;
                } else {
                    int i = bindEnvelope(message, m);
                    message.setString(i++, m.from());
                    message.setString(i++, m.to());
                    message.setString(i++, m.cc());
                    message.setString(i++, m.subject());
                    message.setString(i++, m.date());
                    message.setString(i, m.messageId());
                    message.executeUpdate();
                    long id;
                    try (ResultSet keys = message.getGeneratedKeys()) {
                        keys.next();
                        id = keys.getLong(1);
                    }
                    addWords(text, id, m, entry.bodyText());
                }
                ends.merge(m.mailbox(), m.offset() + m.length(), Math::max);
                added.merge(m.mailbox(), 1L, Long::sum);
                bytes.merge(m.mailbox(), m.length(), Long::sum);
            }
            if (places) {
                place.executeBatch();
            }
            for (Map.Entry<String, Long> end : ends.entrySet()) {
                mailbox.setString(1, end.getKey());
                mailbox.setLong(2, identities.getOrDefault(end.getKey(), 0L));
                mailbox.setLong(3, end.getValue());
                mailbox.executeUpdate();
                count(end.getKey(), added.get(end.getKey()), bytes.get(end.getKey()));
            }
            connection.commit();
        } catch (SQLException e) {
            throw rollBack("add " + entries.size() + " messages to", e);
        }
    }

    /**
     * What of a mailbox's file below its indexed end no row covers: each {start, end} in
     * the order of the file, and the bytes of it found before to hold no message that can
     * be placed ({@link #skipped}). A copy that reached the index after a later one (their
     * sessions waited for the disk on different threads) leaves such a gap until it comes;
     * a kill before then leaves it for the next start to fill. The rows are only listed
     * when the bytes they cover and those skipped do not add up to the indexed end, which
     * after a clean stop they do.
     */
    public synchronized Uncovered uncovered(String address) throws IOException {
        try (PreparedStatement totals = connection.prepareStatement(
                "SELECT indexed_to, bytes, skipped FROM mailbox WHERE address = ?");
             PreparedStatement rows = connection.prepareStatement(
                     "SELECT offset, offset + length FROM message WHERE mailbox = ? ORDER BY offset")) {
            totals.setString(1, address);
            long indexedTo;
            long skipped;
            try (ResultSet row = totals.executeQuery()) {
                if (!row.next()) {
                    connection.commit();
                    return new Uncovered(List.of(), 0);
                }
                indexedTo = row.getLong(1);
                skipped = row.getLong(3);
                if (row.getLong(2) + skipped == indexedTo) {
                    connection.commit();
                    return new Uncovered(List.of(), skipped);
                }
            }
            List<long[]> gaps = new ArrayList<>();
            long covered = 0;
            rows.setString(1, address);
            try (ResultSet row = rows.executeQuery()) {
                while (row.next()) {
                    if (row.getLong(1) > covered) {
                        gaps.add(new long[] {covered, row.getLong(1)});
                    }
                    covered = Math.max(covered, row.getLong(2));
                }
            }
            if (covered < indexedTo) {
                gaps.add(new long[] {covered, indexedTo});
            }
            connection.commit();
            return new Uncovered(gaps, -1);
        } catch (SQLException e) {
            throw rollBack("read", e);
        }
    }

    /**
     * The parts of a mailbox's file below its indexed end that no row covers.
     *
     * @param gaps    each {start, end}, listed only when the index does not know them all to be skipped
     * @param skipped the bytes known to hold no message that can be placed, or -1 when {@code gaps} lists them
     */
    public record Uncovered(List<long[]> gaps, long skipped) {
    }

    /** Notes that {@code bytes} of the mailbox's file below its indexed end hold no message that can be placed. */
    public synchronized void skipped(String address, long bytes) throws IOException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE mailbox SET skipped = ? WHERE address = ?")) {
            update.setLong(1, bytes);
            update.setString(2, address);
            update.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            throw rollBack("note the skipped bytes of", e);
        }
    }

    /** Work done on the index's connection within one transaction. */
    interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
    synchronized <T> T transaction(String what, Work<T> work) throws IOException {
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException e) {
            throw rollBack(what, e);
        } catch (IOException | RuntimeException e) {
            rollBackQuietly();
            throw e;
        }
    }

    /**
     * As {@link #transaction}, but the commit is synced to disk, as the others are not
     * ({@code synchronous=NORMAL}): for a record that must outlive a power loss.
     */
    synchronized <T> T durableTransaction(String what, Work<T> work) throws IOException {
        try {
            connection.commit();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA synchronous = FULL");
            }
            connection.setAutoCommit(false);
            try {
                return transaction(what, work);
            } finally {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA synchronous = NORMAL");
                }
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw rollBack(what, e);
        }
    }

    /** Copies the log into the database, as far as readers allow; for a moment when nothing else is written. */
    public synchronized void checkpoint() throws IOException {
        try {
            connection.commit();
            // A checkpoint runs outside any transaction.
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                result.next();
            } finally {
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw rollBack("checkpoint", e);
        }
    }

    /** Notes the format of the mailbox files, for a reader that is not told it. */
    public synchronized void format(MailboxFormat format) throws IOException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT OR REPLACE INTO setting (name, value) VALUES ('format', ?)")) {
            statement.setString(1, format.name());
            statement.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            throw rollBack("write", e);
        }
    }

    /** The format of the mailbox files, as the server that wrote them last noted it. */
    public synchronized Optional<MailboxFormat> format() throws IOException {
        try (PreparedStatement query = connection.prepareStatement("SELECT value FROM setting WHERE name = 'format'");
             ResultSet row = query.executeQuery()) {
            Optional<MailboxFormat> format = row.next() ? Optional.of(MailboxFormat.valueOf(row.getString(1)))
                    : Optional.empty();
            connection.commit();
            return format;
        } catch (SQLException | IllegalArgumentException e) {
            throw new IOException("cannot read the message index " + file + ": " + e.getMessage(), e);
        }
    }

    /** The addresses of the mailboxes the index has seen. */
    public synchronized List<String> addresses() throws IOException {
        try (PreparedStatement query = connection.prepareStatement("SELECT address FROM mailbox ORDER BY address");
             ResultSet rows = query.executeQuery()) {
            List<String> addresses = new ArrayList<>();
            while (rows.next()) {
                addresses.add(rows.getString(1));
            }
            connection.commit();
            return addresses;
        } catch (SQLException e) {
            throw rollBack("read", e);
        }
    }

    /** Binds the place, envelope and arrival of {@code m} as the first parameters; returns the next one's number. */
    private static int bindEnvelope(PreparedStatement statement, IndexedMessage m) throws SQLException {
        int i = 1;
        statement.setString(i++, m.mailbox());
        statement.setLong(i++, m.offset());
        statement.setLong(i++, m.length());
        statement.setLong(i++, m.size());
        statement.setLong(i++, m.received().toEpochMilli());
        statement.setString(i++, m.queueId());
        statement.setLong(i++, m.sessionId());
        statement.setString(i++, m.client());
        statement.setString(i++, m.helo());
        statement.setString(i++, m.envelopeFrom());
        statement.setString(i++, String.join(",", m.envelopeTo()));
        Arrival arrival = m.arrival();
        for (String value : List.of(arrival.tlsProtocol(), arrival.tlsCipher(), arrival.authMechanism(),
                arrival.authUser())) {
            statement.setString(i++, arrival.known() ? value : null);
        }
        return i;
    }

    private static void addWords(PreparedStatement text, long id, IndexedMessage m, String bodyText) throws SQLException {
        text.setLong(1, id);
        text.setString(2, m.subject());
        text.setString(3, String.join(" ", m.envelopeFrom(), String.join(" ", m.envelopeTo()), m.from(), m.to(),
                m.cc()));
        text.setString(4, bodyText);
        text.executeUpdate();
    }

    /** Copies added without their summary, oldest first. */
    public synchronized List<IndexedMessage> unsummarized(int limit) throws IOException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM message WHERE summarized = 0 ORDER BY id LIMIT ?")) {
            query.setInt(1, limit);
            List<IndexedMessage> found = rows(query, false);
            connection.commit();
            return found;
        } catch (SQLException e) {
            throw rollBack("read", e);
        }
    }

    /**
     * Gives copies added without it their summary and words: {@code summarized} holds each
     * copy as it was returned by {@link #unsummarized}, now with its size as sent and its
     * headers, and the text searched for it.
     */
    public synchronized void summarize(List<NewEntry> summarized) throws IOException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE message SET size = ?, header_from = ?,"
                + " header_to = ?, header_cc = ?, subject = ?, header_date = ?, message_id = ?, summarized = 1"
                + " WHERE id = ? AND summarized = 0");
             PreparedStatement text = connection.prepareStatement(
                     "INSERT INTO message_text (rowid, subject, addresses, body) VALUES (?,?,?,?)")) {
            for (NewEntry entry : summarized) {
                IndexedMessage m = entry.message();
                int i = 1;
                update.setLong(i++, m.size());
                update.setString(i++, m.from());
                update.setString(i++, m.to());
                update.setString(i++, m.cc());
                update.setString(i++, m.subject());
                update.setString(i++, m.date());
                update.setString(i++, m.messageId());
                update.setLong(i, m.id());
                if (update.executeUpdate() == 1) {
                    addWords(text, m.id(), m, entry.bodyText() == null ? "" : entry.bodyText());
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw rollBack("summarize " + summarized.size() + " messages in", e);
        }
    }

    /** What the index knows of one mailbox's file: which file, and how far into it. */
    public record MailboxState(String address, long identity, long indexedTo) {
    }

    public synchronized Optional<MailboxState> state(String address) throws IOException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT identity, indexed_to FROM mailbox WHERE address = ?")) {
            query.setString(1, address);
            try (ResultSet row = query.executeQuery()) {
                connection.commit();
                return row.next() ? Optional.of(new MailboxState(address, row.getLong(1), row.getLong(2)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw rollBack("read", e);
        }
    }

    /**
     * Forgets what lies at or past {@code length} in the mailbox's file (or, when the file is
     * another one than the index knows, everything), so the index never claims a message
     * that is not in its file; then notes the file as indexed up to what remains.
     */
    public synchronized void keepOnly(String address, long identity, long length) throws IOException {
        try (PreparedStatement known = connection.prepareStatement(
                "SELECT identity, indexed_to FROM mailbox WHERE address = ?");
             PreparedStatement ids = connection.prepareStatement(
                     "SELECT id, length FROM message WHERE mailbox = ? AND offset + length > ?");
             PreparedStatement text = connection.prepareStatement("DELETE FROM message_text WHERE rowid = ?");
             PreparedStatement message = connection.prepareStatement("DELETE FROM message WHERE id = ?");
             PreparedStatement end = connection.prepareStatement(
                     "SELECT coalesce(max(offset + length), 0) FROM message WHERE mailbox = ?");
             PreparedStatement state = connection.prepareStatement("INSERT INTO mailbox (address, identity, indexed_to)"
                     + " VALUES (?,?,?) ON CONFLICT (address) DO UPDATE SET identity = excluded.identity,"
                     + " indexed_to = excluded.indexed_to")) {
            known.setString(1, address);
            long keep = length;
            try (ResultSet row = known.executeQuery()) {
                if (row.next()) {
                    if (row.getLong(1) != identity) {
                        keep = -1;
                    } else if (row.getLong(2) <= length) {
                        // The file holds every message indexed: nothing to forget, and no need to
                        // look through the mailbox's rows for one (a restart on large mailboxes).
                        connection.commit();
                        return;
                    }
                }
            }
            ids.setString(1, address);
            ids.setLong(2, keep);
            List<Long> gone = new ArrayList<>();
            long goneBytes = 0;
            try (ResultSet rows = ids.executeQuery()) {
                while (rows.next()) {
                    gone.add(rows.getLong(1));
                    goneBytes += rows.getLong(2);
                }
            }
            for (long id : gone) {
                text.setLong(1, id);
                text.executeUpdate();
                message.setLong(1, id);
                message.executeUpdate();
            }
            end.setString(1, address);
            long indexedTo;
            try (ResultSet row = end.executeQuery()) {
                row.next();
                indexedTo = row.getLong(1);
            }
            state.setString(1, address);
            state.setLong(2, identity);
            state.setLong(3, indexedTo);
            state.executeUpdate();
            count(address, -gone.size(), -goneBytes);
            connection.commit();
        } catch (SQLException e) {
            throw rollBack("trim", e);
        }
    }

    /** The number of messages indexed for each mailbox that has any. */
    public synchronized Map<String, Long> counts() throws IOException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT address, messages FROM mailbox WHERE messages > 0")) {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
            connection.commit();
            return counts;
        } catch (SQLException e) {
            throw rollBack("count", e);
        }
    }

    /** One page of a mailbox's messages, newest first. */
    public List<IndexedMessage> newest(String address, int skip, int limit) throws IOException {
        return list(address, MessageOrder.NEWEST_FIRST, skip, limit);
    }

    /** One page of a mailbox's messages, in {@code order}. */
    public List<IndexedMessage> list(String address, MessageOrder order, int skip, int limit) throws IOException {
        return search(new Query(address, null, null, null, null, null, null, null), order, skip, limit);
    }

    public synchronized Optional<IndexedMessage> byId(long id) throws IOException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + LISTED_COLUMNS + " FROM message WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet rows = query.executeQuery()) {
                Optional<IndexedMessage> found = rows.next() ? Optional.of(row(rows, true)) : Optional.empty();
                connection.commit();
                return found;
            }
        } catch (SQLException e) {
            throw rollBack("read", e);
        }
    }

    /**
     * The copy in the mailbox of {@code address} of the message queued as {@code queueId}.
     * Looked for newest first, along the mailbox's key: a message a session just delivered
     * is found at once, with no index of queue ids for every delivery to keep up.
     */
    public synchronized Optional<IndexedMessage> byQueueId(String address, String queueId) throws IOException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + LISTED_COLUMNS + " FROM message"
                + " WHERE mailbox = ? AND queue_id = ? ORDER BY id DESC LIMIT 1")) {
            query.setString(1, address);
            query.setString(2, queueId);
            List<IndexedMessage> found = rows(query, true);
            connection.commit();
            return found.stream().findFirst();
        } catch (SQLException e) {
            throw rollBack("read", e);
        }
    }

    /**
     * What to look for; every part that is not null must match. Addresses and the subject
     * match as substrings, ignoring case; {@code text} and {@code words} are words
     * (full-text search): {@code text} of the body, {@code words} of subject, addresses or body.
     *
     * @param recipient an envelope recipient, or an address in To or Cc
     */
    public record Query(String mailbox, String sender, String recipient, String subject, String text,
                        String words, Instant after, Instant before) {

        /** Free text: its words anywhere in the subject, the addresses or the body. */
        public static Query words(String mailbox, String words) {
            return new Query(mailbox, null, null, null, null, words, null, null);
        }
    }

    /** One page of the messages that match, newest first. */
    public List<IndexedMessage> search(Query query, int skip, int limit) throws IOException {
        return search(query, MessageOrder.NEWEST_FIRST, skip, limit);
    }

    /**
     * One page of the messages that match, in {@code order}. Newest first follows the table's
     * key; another order sorts what matches (see {@link MessageOrders}).
     */
    public synchronized List<IndexedMessage> search(Query query, MessageOrder order, int skip, int limit)
            throws IOException {
        List<String> words = new ArrayList<>();
        if (query.text() != null) {
            words.add("body : (" + ftsWords(query.text()) + ")");
        }
        if (query.words() != null) {
            words.add("(" + ftsWords(query.words()) + ")");
        }
        List<Object> values = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + LISTED_COLUMNS);
        if (words.isEmpty()) {
            sql.append(" FROM message WHERE 1");
        } else {
            // The words lead, newest first, and the page ends the walk through their matches:
            // a word in every one of a million messages must not fetch and sort them all.
            sql.append(" FROM message_text JOIN message ON message.id = message_text.rowid WHERE message_text MATCH ?");
            values.add(String.join(" AND ", words));
        }
        if (query.mailbox() != null) {
            sql.append(" AND mailbox = ?");
            values.add(query.mailbox());
        }
        if (query.sender() != null) {
            sql.append(" AND (envelope_from LIKE ? ESCAPE '\\' OR header_from LIKE ? ESCAPE '\\')");
            values.addAll(Arrays.asList(like(query.sender()), like(query.sender())));
        }
        if (query.recipient() != null) {
            sql.append(" AND (envelope_to LIKE ? ESCAPE '\\' OR header_to LIKE ? ESCAPE '\\'"
                    + " OR header_cc LIKE ? ESCAPE '\\')");
            values.addAll(Arrays.asList(like(query.recipient()), like(query.recipient()), like(query.recipient())));
        }
        if (query.subject() != null) {
            sql.append(" AND message.subject LIKE ? ESCAPE '\\'");
            values.add(like(query.subject()));
        }
        if (query.after() != null) {
            sql.append(" AND received >= ?");
            values.add(query.after().toEpochMilli());
        }
        if (query.before() != null) {
            sql.append(" AND received < ?");
            values.add(query.before().toEpochMilli());
        }
        sql.append(MessageOrders.orderBy(order, words.isEmpty() ? "message.id" : "message_text.rowid"));
        sql.append(" LIMIT ? OFFSET ?");
        values.add(limit);
        values.add(skip);
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            List<IndexedMessage> found = rows(statement, true);
            connection.commit();
            return found;
        } catch (SQLException e) {
            throw rollBack("search", e);
        }
    }

    /** A LIKE pattern matching {@code text} anywhere, its own % and _ taken literally. */
    private static String like(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** The words of {@code text} as FTS5 terms, each quoted so that none is read as syntax; all must match. */
    static String ftsWords(String text) {
        StringBuilder terms = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            if (!word.isEmpty()) {
                terms.append(terms.length() == 0 ? "" : " ").append('"').append(word.replace("\"", "\"\"")).append('"');
            }
        }
        return terms.length() == 0 ? "\"\"" : terms.toString();
    }

    /** @param listed the rows have a 24th column: whether the message was read ({@link #LISTED_COLUMNS}) */
    private static List<IndexedMessage> rows(PreparedStatement query, boolean listed) throws SQLException {
        List<IndexedMessage> found = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                found.add(row(rows, listed));
            }
        }
        return found;
    }

    private static IndexedMessage row(ResultSet rows, boolean listed) throws SQLException {
        String to = rows.getString(12);
        return new IndexedMessage(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getLong(4),
                rows.getLong(5), Instant.ofEpochMilli(rows.getLong(6)), rows.getString(7), rows.getLong(8),
                rows.getString(9), rows.getString(10), rows.getString(11),
                to == null || to.isEmpty() ? List.of() : List.of(to.split(",")), rows.getString(13),
                rows.getString(14), rows.getString(15), rows.getString(16), rows.getString(17), rows.getString(18),
                rows.getInt(19) != 0, listed && rows.getInt(24) != 0, arrival(rows));
    }

    /** Columns 20 to 23: how the message arrived; NULL (not known) in a row found by a rescan or indexed before. */
    private static Arrival arrival(ResultSet rows) throws SQLException {
        String protocol = rows.getString(20);
        return protocol == null ? Arrival.UNKNOWN : Arrival.of(protocol, orEmpty(rows.getString(21)),
                orEmpty(rows.getString(22)), orEmpty(rows.getString(23)));
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private void rollBackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The error being thrown says what went wrong.
        }
    }

    private IOException rollBack(String what, SQLException e) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the error below says why.
        }
        return new IOException("cannot " + what + " the message index " + file + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Everything was committed; nothing is lost by a failed close.
        }
    }
}
