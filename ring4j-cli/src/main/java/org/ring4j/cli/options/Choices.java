package org.ring4j.cli.options;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Expands option values such as {@code -t float32,int8} or {@code -o all} into a list of
 * choices, in the order given and without duplicates; {@code all} (anywhere in the list) selects
 * every choice.
 */
public final class Choices {
    private Choices() {
    }

    /**
     * Expands {@code tokens}.
     *
     * @param tokens the values as typed, each possibly holding commas
     * @param parser turns one value into a choice; throws {@link IllegalArgumentException} naming
     *     the accepted values when it cannot
     * @param all every choice, in the order {@code all} yields them
     * @param <T> the choice type
     * @return at least one choice
     * @throws IllegalArgumentException from {@code parser}, or when no value is given
     */
    public static <T> List<T> expand(Collection<String> tokens, Function<String, T> parser, List<T> all) {
        Set<T> out = new LinkedHashSet<>();
        for (String token : tokens) {
            for (String part : token.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.toLowerCase(Locale.ROOT).equals("all")) {
                    out.addAll(all);
                } else {
                    out.add(parser.apply(p));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no value given");
        }
        return new ArrayList<>(out);
    }
}
