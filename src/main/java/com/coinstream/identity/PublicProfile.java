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
        String n = name.strip().toLowerCase(java.util.Locale.ROOT);
        return n.equals(ANONYMOUS.displayName().toLowerCase(java.util.Locale.ROOT))
                || n.startsWith(ErasedAccounts.PSEUDONYM_PREFIX.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /** The profile of user {@code id} named {@code displayName}: an erased person's shows their pseudonymous id, never their id. */
    public static PublicProfile of(String id, String displayName, boolean erased) {
        return new PublicProfile(erased ? ErasedAccounts.pseudonymousId(displayName) : id, displayName);
    }
}
