package org.smtpmonitor.message;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Walks a message's MIME structure with mime4j's pull parser: once to build the tree of
 * {@link Part}s, and again whenever one part's decoded body is wanted, which is then copied
 * out and nothing else. Bodies stream through a small buffer, so a walk holds no body in
 * memory: a 25 MB message costs its stored bytes and little more. The size of a base64 body
 * is counted from its encoded bytes ({@link Base64Size}), not by decoding it.
 */
final class MimeWalk {

    /** Messages attached inside attached messages are read this deep, and shown as one part below. */
    static final int MAX_NESTED_MESSAGES = 8;
    /** Multiparts inside multiparts are read this deep (real mail nests three or four), and shown as one part below. */
    static final int MAX_NESTED_PARTS = 64;
    /** Header fields in one part's header block; real mail has a few dozen. */
    static final int MAX_HEADER_FIELDS = 5_000;
    /** Bytes of one header field, folded lines included (a To: of thousands of addresses fits). */
    static final int MAX_HEADER_FIELD_BYTES = 1024 * 1024;
    /** Bytes of a line that mime4j reads whole (header lines); body lines stream and have no limit. */
    static final int MAX_LINE_BYTES = 1024 * 1024;

    private static final MimeConfig CONFIG = MimeConfig.custom()
            .setStrictParsing(false)
            // Not "starts body": mime4j then drops the line after the bad one. A message whose first
            // line is no field is read headless instead (see walk), so only junk amid fields is skipped.
            .setMalformedHeaderStartsBody(false)
            .setMaxHeaderCount(MAX_HEADER_FIELDS)
            .setMaxHeaderLen(MAX_HEADER_FIELD_BYTES)
            .setMaxLineLen(MAX_LINE_BYTES)
            .setMaxContentLen(-1) // the stored bytes are bounded already, by the server's maximum message size
            // Not counted: mime4j counts the lines it has buffered, which is not the line it is at.
            .setCountLineNumbers(false)
            .build();

    /** How much of a message is looked at to see whether it starts with a header field. */
    private static final int FIRST_LINE_BYTES = 8 * 1024;

    private final Problems problems;
    private final Part target;
    private final OutputStream out;
    private final byte[] buffer = new byte[16 * 1024];
    private boolean copied;

    private MimeWalk(Problems problems, Part target, OutputStream out) {
        this.problems = problems;
        this.target = target;
        this.out = out;
    }

    /** The tree of the message, its notes going to {@code problems}. */
    static Part tree(byte[] message, Problems problems) throws IOException, MimeException {
        return new MimeWalk(problems, null, null).walk(new ByteArrayInputStream(message), "1", 0);
    }

    /** Copies the decoded body of {@code part} (a part of the tree of {@code message}) to {@code out}. */
    static void copy(byte[] message, Part part, OutputStream out) throws IOException, MimeException {
        new MimeWalk(Problems.ignoring(), part, out).walk(new ByteArrayInputStream(message), "1", 0);
    }

    private Part walk(InputStream in, String path, int depth) throws IOException, MimeException {
        MimeTokenStream stream = new MimeTokenStream(CONFIG, problems,
                new DefaultBodyDescriptorBuilder(null, LenientFieldParser.getParser(), problems));
        // Attached messages are walked by this class, so that each gets its limits and its own failure.
        stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
        PartBuilder root = new PartBuilder(path);
        Deque<PartBuilder> open = new ArrayDeque<>();
        open.push(root);
        problems.at(path);
        BufferedInputStream buffered = new BufferedInputStream(in, FIRST_LINE_BYTES);
        if (startsWithHeaderBlock(buffered)) {
            stream.parse(buffered);
        } else {
            problems.add("the message has no header block: it is all body, read as text/plain");
            stream.parseHeadless(buffered, "text/plain");
        }
        try {
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM && !copied;
                 state = stream.next()) {
                PartBuilder part = open.peek();
                switch (state) {
                    case T_START_BODYPART -> {
                        PartBuilder child = part.newChild();
                        open.push(child);
                        problems.at(child.path);
                        if (open.size() > MAX_NESTED_PARTS) {
                            // Flat: mime4j gives this part's body as it is, whatever its type.
                            stream.setRecursionMode(RecursionMode.M_FLAT);
                        }
                    }
                    case T_FIELD -> part.field(stream.getField(), problems);
                    case T_START_MULTIPART -> part.describe(stream.getBodyDescriptor());
                    case T_PREAMBLE -> preamble(part, stream.getInputStream());
                    case T_BODY -> {
                        part.describe(stream.getBodyDescriptor());
                        if (open.size() > MAX_NESTED_PARTS) {
                            stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
                            part.tooDeep(problems);
                        }
                        part.noteUnknownCharset(problems);
                        body(part, stream, depth);
                    }
                    case T_END_MULTIPART -> part.endMultipart(problems);
                    case T_END_BODYPART -> {
                        open.pop();
                        open.peek().children.add(part.build());
                        problems.at(open.peek().path);
                    }
                    default -> { }
                }
            }
        } finally {
            stream.stop();
        }
        return root.build();
    }

    /** Whether the message starts with a header block, by the rule the list of its header fields follows. */
    private static boolean startsWithHeaderBlock(BufferedInputStream in) throws IOException {
        in.mark(FIRST_LINE_BYTES);
        byte[] start = in.readNBytes(FIRST_LINE_BYTES - 1);
        in.reset();
        return HeaderBlock.startsWithHeaderBlock(start, start.length);
    }

    /** Before the first boundary; the whole body when no boundary is found, and then the part's bytes. */
    private void preamble(PartBuilder part, InputStream preamble) throws IOException {
        boolean wanted = target != null && target.raw() && target.path().equals(part.path);
        part.preambleSize = transfer(preamble, wanted ? out : null);
        copied = wanted;
    }

    private void body(PartBuilder part, MimeTokenStream stream, int depth) throws IOException, MimeException {
        boolean wanted = target != null && target.path().equals(part.path);
        boolean targetInside = target == null || target.path().startsWith(part.path + ".");
        if (wanted) {
            part.size = transfer(stream.getDecodedInputStream(), out);
            copied = true;
            return;
        }
        if (!part.isAttachedMessage() || !targetInside) {
            part.size = part.isBase64() ? base64Size(stream.getInputStream())
                    : transfer(stream.getDecodedInputStream(), null);
            return;
        }
        InputStream body = stream.getDecodedInputStream();
        if (depth >= MAX_NESTED_MESSAGES) {
            problems.add("messages nested deeper than " + MAX_NESTED_MESSAGES + " are not read; this one is one part");
            part.size = transfer(body, null);
            return;
        }
        CountingInputStream counted = new CountingInputStream(body);
        try {
            part.children.add(walk(counted, part.path + ".1", depth + 1));
        } catch (MimeException | IOException | RuntimeException e) {
            if (depth == 0 && part.path.equals("1")) {
                // A message that is nothing but an attached one: the whole of it is the raw part.
                throw e;
            }
            part.children.clear();
            part.raw = true;
            problems.addAbout(part.path, "the attached message could not be read (" + e.getMessage()
                    + "); it is one raw part");
        }
        problems.at(part.path);
        if (!copied) {
            transfer(counted, null);
        }
        part.size = counted.count();
    }

    /** The size of a base64 body, counted from its encoded bytes (see {@link Base64Size}). */
    private long base64Size(InputStream encoded) throws IOException {
        Base64Size size = new Base64Size(problems);
        for (int n; (n = encoded.read(buffer)) != -1; ) {
            size.count(buffer, 0, n);
        }
        return size.finish();
    }

    /** Copies {@code in} to {@code sink} (or nowhere, when null) and says how many bytes it had. */
    private long transfer(InputStream in, OutputStream sink) throws IOException {
        long count = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            if (sink != null) {
                sink.write(buffer, 0, n);
            }
            count += n;
        }
        return count;
    }

    /** Counts the bytes read through it: the size of an attached message walked as it streams. */
    private static final class CountingInputStream extends InputStream {

        private final InputStream in;
        private long count;

        CountingInputStream(InputStream in) {
            this.in = in;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = in.read(bytes, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
