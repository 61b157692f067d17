package com.coinstream.identity;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.coinstream.domain.Text;

/**
 * Who is calling, read from the verified token only: subject = user id, groups = roles,
 * birthdate (OIDC, YYYY-MM-DD), region (ISO 3166-1 alpha-2), zoneinfo (IANA time zone).
 */
public record Caller(String userId, Set<String> roles, Optional<LocalDate> birthdate, String region, ZoneId zone,
        String displayName, long issuedAt) {
    /**
     * A caller whose token's issue time is not known ({@code issuedAt} 0: its claims never replace those a token with
     * an issue time wrote).
     */
    public Caller(String userId, Set<String> roles, Optional<LocalDate> birthdate, String region, ZoneId zone, String displayName) {
        this(userId, roles, birthdate, region, zone, displayName, 0);
    }

    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");
    /** The longest user id: a token's subject is taken up to this long (TokenClaims), and every user id argument as long. */
    public static final int MAX_USER_ID = 255;

    public static Caller from(JsonWebToken token, String defaultRegion) {
        String subject = token.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new IllegalStateException("token has no subject");
        }
        return new Caller(subject, Set.copyOf(token.getGroups()), birthdate(token), region(token, defaultRegion),
                zone(token), displayName(token, subject), Math.max(0, token.getIssuedAtTime()));
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Adults only may buy, gift, receive gifts or cash out. A token without a birthdate is not a verified adult. */
    public boolean isAdult(Clock clock, int adultAge) {
        return isAdult(birthdate, clock.instant(), adultAge);
    }

    /**
     * The one age rule: {@code adultAge} full years on the calendar date it is now where that date begins last (UTC-12),
     * so nobody, in any time zone, counts as an adult before their birthday has begun where they are.
     */
    public static boolean isAdult(Optional<LocalDate> birthdate, java.time.Instant now, int adultAge) {
        return birthdate.map(b -> Period.between(b, LocalDate.ofInstant(now, LATEST_DATE)).getYears() >= adultAge).orElse(false);
    }

    private static final ZoneOffset LATEST_DATE = ZoneOffset.ofHours(-12);

    private static Optional<LocalDate> birthdate(JsonWebToken token) {
        Object claim = token.getClaim("birthdate");
        if (claim == null) {
            return Optional.empty();
        }
        try {
            // OpenID Connect's "0000-MM-DD" withholds the year: no verified age (nor is a date after today's, anywhere)
            LocalDate date = LocalDate.parse(unquote(claim.toString()));
            return date.getYear() < 1 || date.isAfter(LocalDate.now(ZoneOffset.ofHours(14))) ? Optional.empty() : Optional.of(date);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static String region(JsonWebToken token, String defaultRegion) {
        Object claim = token.getClaim("region");
        String value = claim == null ? "" : unquote(claim.toString()).toUpperCase(Locale.ROOT);
        return REGION.matcher(value).matches() ? value : defaultRegion;
    }

    private static ZoneId zone(JsonWebToken token) {
        Object claim = token.getClaim("zoneinfo");
        if (claim == null) {
            return ZoneOffset.UTC;
        }
        try {
            ZoneId zone = ZoneId.of(unquote(claim.toString()));
            // (only offsets some place on Earth keeps, UTC-12 to UTC+14: +18:00 opened tomorrow's caps hours before they
            // began anywhere)
            int seconds = zone.getRules().getOffset(java.time.Instant.now()).getTotalSeconds();
            return seconds < -12 * 3600 || seconds > 14 * 3600 ? ZoneOffset.UTC : zone;
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** Something@domain.tld anywhere in a name. */
    private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^\\s@]+@[^\\s@]+\\.[^\\s@]+");

    private static String displayName(JsonWebToken token, String subject) {
        for (String claimName : new String[] { "name", "preferred_username" }) {
            Object claim = token.getClaim(claimName);
            if (claim != null) {
                // a name is whatever the identity provider let the person type: made acceptable here, never refused later
                // (a name only the service gives, "Anonymous" or a pseudonym, is passed over: it would pass for one)
                String raw = unquote(claim.toString());
                String value = Text.cleanedLine(raw, 64);
                // (nor an email address, in the claim as sent, before it is cut: the name is public, on every named gift
                // and board; providers often give a person's login email as preferred_username, theirs to sign in with)
                if (!value.isEmpty() && !PublicProfile.reservedName(value) && !EMAIL.matcher(raw).find()) {
                    return value;
                }
            }
        }
        String fromSubject = Text.cleanedLine(subject, 64);
        return fromSubject.isEmpty() || PublicProfile.reservedName(fromSubject) ? "user" : fromSubject;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
