package com.coinstream.identity;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.coinstream.domain.Text;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * A verified token names its person as every id of the API is named: a subject of 1-255 characters of text without
 * control characters, and groups without a gap. Anything else is refused as an invalid token (HTTP 401,
 * UNAUTHENTICATED), everywhere at once: a null group threw (INTERNAL, on public queries too), and a subject with a
 * control character was registered as a user no admin could then name (every user id argument refuses one).
 */
@ApplicationScoped
public class TokenClaims implements SecurityIdentityAugmentor {
    /** The longest subject taken: an ID's length (StrictScalars). */
    static final int MAX_SUBJECT = 255;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken token) {
            String problem = problem(token);
            if (problem != null) {
                return Uni.createFrom().failure(new AuthenticationFailedException("The token " + problem));
            }
        }
        return Uni.createFrom().item(identity);
    }

    static String problem(JsonWebToken token) {
        String subject = token.getSubject();
        if (subject == null || subject.isBlank()) {
            return "has no subject (sub)";
        }
        if (subject.length() > MAX_SUBJECT || Text.encodingProblem(subject) != null || subject.chars().anyMatch(Character::isISOControl)) {
            return "subject (sub) must be 1-" + MAX_SUBJECT + " characters of text without control characters";
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
