package com.coinstream.identity;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.coinstream.domain.Text;

/**
 * A verified token names its person as every id of the API is named: a subject of 1-255 characters of text without
 * control characters, and groups without a gap. Anything else is refused as an invalid token (HTTP 401,
 * UNAUTHENTICATED), everywhere at once (checked where the identity is made, ErasedAccounts' augmentation: one augmentor,
 * so the identity is ready as soon as before): a null group threw (INTERNAL, on public queries too), and a subject with
 * a control character was registered as a user no admin could then name (every user id argument refuses one).
 */
final class TokenClaims {
    /** The longest subject taken: an ID's length (StrictScalars). */
    static final int MAX_SUBJECT = Caller.MAX_USER_ID;

    private TokenClaims() {
    }

    /** What is wrong with {@code subject} as a token's subject (the one rule, also for the dev token issuer); null when nothing. */
    public static String subjectProblem(String subject) {
        if (subject == null || subject.isBlank()) {
            return "has no subject (sub)";
        }
        // (the rule of a user id typed as an argument, as well: an account whose id no admin could type, for a hold or a
        // grant, is never made)
        if (subject.length() > MAX_SUBJECT || Text.encodingProblem(subject) != null || subject.chars().anyMatch(Character::isISOControl)
                || Text.personTextProblem(subject, 1, MAX_SUBJECT, false) != null) {
            return "subject (sub) must be 1-" + MAX_SUBJECT + " characters of one line of text, without control characters";
        }
        if (PublicProfile.reservedId(subject)) {
            return "subject (sub) is an id the service gives itself (\"anonymous\", \"erased-...\")";
        }
        return null;
    }

    static String problem(JsonWebToken token) {
        String subject = subjectProblem(token.getSubject());
        if (subject != null) {
            return subject;
        }
        if (token.getGroups() != null) {
            for (String group : token.getGroups()) {
                if (group == null) {
                    return "groups must not hold a null";
                }
            }
        }
        return null;
    }
}
