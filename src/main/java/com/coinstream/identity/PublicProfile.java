package com.coinstream.identity;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

@Type("PublicProfile")
@Description("What anyone may see of a user.")
public record PublicProfile(@Id @NonNull String id, @NonNull String displayName) {
    /** Who sent an anonymous gift, as everyone but its sender sees it. */
    public static final PublicProfile ANONYMOUS = new PublicProfile("anonymous", "Anonymous");

    /**
     * Whether {@code name} is one only the service gives ("Anonymous", an erased person's pseudonym), in any case: a person
     * named so by their identity provider would pass for an anonymous sender, or for someone erased.
     */
    public static boolean reservedName(String name) {
        // as a reader sees it: compatibility forms folded (full-width letters), invisible format characters (a zero-width
        // space) dropped, any run of spaces (a no-break space) as one
        String n = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFKC).codePoints()
                .filter(c -> Character.getType(c) != Character.FORMAT)
                .map(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
                .replaceAll(" +", " ").strip().toLowerCase(java.util.Locale.ROOT);
        return n.equals(ANONYMOUS.displayName().toLowerCase(java.util.Locale.ROOT))
                || n.startsWith(ErasedAccounts.PSEUDONYM_PREFIX.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Whether {@code userId} is an id only the service shows (the anonymous sender's, an erased person's pseudonymous id):
     * a subject spelled so would pass for one of them wherever a profile's id is taken back (a board's owner).
     */
    public static boolean reservedId(String userId) {
        return userId.equalsIgnoreCase(ANONYMOUS.id()) || userId.matches("(?i)erased-[0-9a-f]{8}");
    }

    /** The profile of user {@code id} named {@code displayName}: an erased person's shows their pseudonymous id, never their id. */
    public static PublicProfile of(String id, String displayName, boolean erased) {
        return new PublicProfile(erased ? ErasedAccounts.pseudonymousId(displayName) : id, displayName);
    }
}
