package org.smtpmonitor.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The service extensions of an EHLO reply (RFC 5321 4.1.1.1): each line after the first is
 * a keyword and its parameters, such as {@code AUTH PLAIN LOGIN}. Keywords and parameters
 * are kept in upper case, which is how they are compared.
 */
public record EhloExtensions(Map<String, List<String>> parameters) {

    public static final EhloExtensions NONE = new EhloExtensions(Map.of());

    public EhloExtensions {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        parameters.forEach((keyword, values) -> copy.put(keyword, List.copyOf(values)));
        parameters = Collections.unmodifiableMap(copy);
    }

    public static EhloExtensions of(SmtpReply ehlo) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        List<String> texts = ehlo.texts();
        for (String text : texts.subList(1, texts.size())) {
            String[] words = text.strip().toUpperCase(Locale.ROOT).split("[ =]+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            // "AUTH=LOGIN PLAIN" is how some old servers wrote AUTH; it means "AUTH LOGIN PLAIN".
            parameters.computeIfAbsent(words[0], keyword -> new ArrayList<>())
                    .addAll(List.of(words).subList(1, words.length));
        }
        return new EhloExtensions(parameters);
    }

    public boolean has(String keyword) {
        return parameters.containsKey(keyword);
    }

    /** The parameters of {@code keyword}; empty when it has none or is not offered. */
    public List<String> parametersOf(String keyword) {
        return parameters.getOrDefault(keyword, List.of());
    }

    /** The keywords offered, in order: {@code SIZE, 8BITMIME, AUTH}. */
    public String keywords() {
        return parameters.isEmpty() ? "none" : String.join(", ", parameters.keySet());
    }
}
