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

    /** Letters of other scripts that look like the Latin ones of the reserved names, each with the one it looks like. */
    private static final java.util.Map<Integer, Integer> LOOK_ALIKES = look("аaеeоoрpсcуyхxѕsԁdмmпnіiјjԛqԝwοoαaυuνvεeκkρpτtιiɑaɡgʏy");

    private static java.util.Map<Integer, Integer> look(String pairs) {
        java.util.Map<Integer, Integer> map = new java.util.HashMap<>();
        for (int i = 0; i + 1 < pairs.length(); i += 2) {
            map.put((int) pairs.charAt(i), (int) pairs.charAt(i + 1));
        }
        return java.util.Map.copyOf(map);
    }

    /**
     * Whether {@code name} is one only the service gives ("Anonymous", an erased person's pseudonym), in any case: a person
     * named so by their identity provider would pass for an anonymous sender, or for someone erased.
     */
    public static boolean reservedName(String name) {
        // as a reader sees it: compatibility forms folded (full-width letters) and accents taken apart, then what shows no
        // mark of its own dropped (format characters such as a zero-width space, combining marks and variation selectors,
        // the Hangul fillers), any run of spaces (a no-break space) as one, and the Cyrillic and Greek letters that look
        // like the Latin ones of these names read as those
        String n = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFKD).codePoints()
                .filter(c -> switch (Character.getType(c)) {
                    case Character.FORMAT, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> false;
                    default -> c != 0x115F && c != 0x1160 && c != 0x3164 && c != 0xFFA0;
                })
                .map(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) ? ' ' : Character.toLowerCase(c))
                .map(c -> LOOK_ALIKES.getOrDefault(c, c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
                .transform(t -> SPACES.matcher(t).replaceAll(" ")).strip().toLowerCase(java.util.Locale.ROOT);
        return n.equals(ANONYMOUS.displayName().toLowerCase(java.util.Locale.ROOT))
                || n.startsWith(ErasedAccounts.PSEUDONYM_PREFIX.strip().toLowerCase(java.util.Locale.ROOT));
    }

    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile(" +");
    private static final java.util.regex.Pattern ERASED_ID = java.util.regex.Pattern.compile("(?i)erased-[0-9a-f]{8}");

    /**
     * Whether {@code userId} is an id only the service shows (the anonymous sender's, an erased person's pseudonymous id):
     * a subject spelled so would pass for one of them wherever a profile's id is taken back (a board's owner).
     */
    public static boolean reservedId(String userId) {
        return userId.equalsIgnoreCase(ANONYMOUS.id()) || ERASED_ID.matcher(userId).matches();
    }

    /** The profile of user {@code id} named {@code displayName}: an erased person's shows their pseudonymous id, never their id. */
    public static PublicProfile of(String id, String displayName, boolean erased) {
        return new PublicProfile(erased ? ErasedAccounts.pseudonymousId(displayName) : id, displayName);
    }
}
