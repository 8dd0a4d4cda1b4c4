package org.ring4j.cli.launch;

import java.util.List;
import java.util.stream.Collectors;

/** Quotes words for a POSIX shell, so a remote command line arrives exactly as given. */
public final class ShellQuote {
    private ShellQuote() {
    }

    /** {@code it's} becomes {@code 'it'\''s'}; words of only safe characters stay as they are. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "@%+=:,./_-".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Quotes each word and joins them with spaces. */
    public static String join(List<String> words) {
        return words.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}
