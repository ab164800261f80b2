package org.smtpmonitor.cli;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads sizes ({@code 25MB}, {@code 100k}, {@code 512}) and durations ({@code 300}, {@code 5m}, {@code 500ms}). */
final class Units {

    private Units() {
    }

    /** A byte count with an optional binary unit: B, K/KB, M/MB, G/GB (1K = 1024 bytes). */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.strip().toUpperCase(Locale.ROOT);
            long multiplier = 1;
            String number = text;
            String[][] units = {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"},
                                {"K", "1024"}, {"M", "1048576"}, {"G", "1073741824"}, {"B", "1"}};
            for (String[] unit : units) {
                if (text.endsWith(unit[0])) {
                    number = text.substring(0, text.length() - unit[0].length()).strip();
                    multiplier = Long.parseLong(unit[1]);
                    break;
                }
            }
            try {
                long amount = Long.parseLong(number);
                if (amount < 1) {
                    throw new TypeConversionException("'" + value + "' is not a positive size");
                }
                return Math.multiplyExact(amount, multiplier);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + value + "' is not a size (examples: 1048576, 512KB, 25MB)");
            }
        }
    }

    /** A duration in seconds, or with a unit: ms, s, m, h. */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(Locale.ROOT);
            try {
                Duration duration;
                if (text.endsWith("ms")) {
                    duration = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).strip()));
                } else if (text.endsWith("s")) {
                    duration = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1).strip()));
                } else if (text.endsWith("m")) {
                    duration = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1).strip()));
                } else if (text.endsWith("h")) {
                    duration = Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1).strip()));
                } else {
                    duration = Duration.ofSeconds(Long.parseLong(text));
                }
                if (duration.isNegative() || duration.isZero()) {
                    throw new TypeConversionException("'" + value + "' is not a positive duration");
                }
                return duration;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a duration (examples: 300, 90s, 5m, 500ms)");
            }
        }
    }
}
