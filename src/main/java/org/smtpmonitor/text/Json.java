package org.smtpmonitor.text;

import java.util.List;
import java.util.function.Function;

/**
 * Just enough JSON (RFC 8259) for the command line's {@code --json} output and the HTTP API's
 * answers: objects of strings, numbers, booleans, string arrays, arrays of objects, and objects or null. Every control character, and
 * U+2028/U+2029, is escaped, so a hostile subject cannot break the output or a terminal.
 */
public final class Json {

    private Json() {
    }

    public static Fields object() {
        return new Fields();
    }

    /** One JSON object, built field by field. */
    public static final class Fields {
        private final StringBuilder text = new StringBuilder("{");

        public Fields field(String name, String value) {
            return name(name).string(value);
        }

        public Fields field(String name, long value) {
            name(name).text.append(value);
            return this;
        }

        public Fields field(String name, List<String> values) {
            name(name).text.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    text.append(',');
                }
                string(values.get(i));
            }
            text.append(']');
            return this;
        }

        /** {@code value} as a nested object, or JSON {@code null} when it is null. */
        public Fields field(String name, Fields value) {
            name(name).text.append(value == null ? "null" : value.toString());
            return this;
        }

        /** {@code value}, or JSON {@code null} when it is null (where {@link #field(String, String)} writes ""). */
        public Fields nullable(String name, String value) {
            if (value == null) {
                name(name).text.append("null");
                return this;
            }
            return field(name, value);
        }

        public Fields field(String name, boolean value) {
            name(name).text.append(value);
            return this;
        }

        /** {@code values} as an array of objects. */
        public <T> Fields objects(String name, List<T> values, Function<T, Fields> toObject) {
            name(name).text.append(array(values, toObject));
            return this;
        }

        private Fields name(String name) {
            if (text.length() > 1) {
                text.append(',');
            }
            string(name).text.append(':');
            return this;
        }

        private Fields string(String value) {
            quote(text, value == null ? "" : value);
            return this;
        }

        @Override
        public String toString() {
            return text + "}";
        }
    }

    public static <T> String array(List<T> items, Function<T, Fields> toObject) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            text.append(i == 0 ? "" : ",").append(toObject.apply(items.get(i)));
        }
        return text.append(']').toString();
    }

    public static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
