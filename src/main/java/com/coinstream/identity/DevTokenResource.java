package com.coinstream.identity;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import com.coinstream.domain.PolicyConfig;

import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * DEV AND TEST ONLY: mints a token signed with the published dev key, for the GraphQL UI and tests.
 * The class is removed from prod builds at build time, and prod has no signing key.
 */
@IfBuildProfile(anyOf = { "dev", "test" })
@Path("/dev/token")
public class DevTokenResource {
    private static final Set<String> KNOWN_GROUPS = Set.of(Role.VIEWER, Role.CREATOR, Role.ADMIN);

    private final String issuer;
    private final String defaultRegion;

    public DevTokenResource(IdentityConfig identity, PolicyConfig policy) {
        this.issuer = identity.issuer().orElseThrow();
        this.defaultRegion = policy.defaultRegion();
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String token(@QueryParam("sub") String subject,
            @QueryParam("groups") @DefaultValue("viewer") String groups,
            @QueryParam("birthdate") String birthdate,
            @QueryParam("region") String requestedRegion,
            @QueryParam("name") String name,
            @QueryParam("zoneinfo") String zoneinfo,
            @QueryParam("ttlSeconds") @DefaultValue("86400") String ttl) {
        // (the subject follows the rule every token's does, so no dev token is refused when used)
        String problem = TokenClaims.subjectProblem(subject);
        if (problem != null) {
            throw new BadRequestException("sub: " + problem);
        }
        long ttlSeconds;
        try {
            ttlSeconds = Long.parseLong(ttl);
        } catch (NumberFormatException e) {
            throw new BadRequestException("ttlSeconds must be a whole number of seconds");
        }
        Set<String> roles = Arrays.stream(groups.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        if (!KNOWN_GROUPS.containsAll(roles)) {
            throw new BadRequestException("groups must be a comma-separated subset of viewer,creator,admin");
        }
        String region = requestedRegion == null ? defaultRegion : requestedRegion;
        JwtClaimsBuilder claims = Jwt.issuer(issuer).subject(subject).groups(roles).claim("region", region)
                .expiresIn(Duration.ofSeconds(Math.max(1, Math.min(ttlSeconds, 7 * 86400))));
        if (birthdate != null && !birthdate.isBlank()) {
            try {
                claims.claim("birthdate", LocalDate.parse(birthdate).toString());
            } catch (DateTimeException e) {
                throw new BadRequestException("birthdate must be YYYY-MM-DD");
            }
        }
        if (name != null && !name.isBlank()) {
            claims.claim("name", name);
        }
        if (zoneinfo != null && !zoneinfo.isBlank()) {
            try {
                claims.claim("zoneinfo", ZoneId.of(zoneinfo).getId());
            } catch (DateTimeException e) {
                throw new BadRequestException("zoneinfo must be an IANA time zone, for example Europe/Berlin");
            }
        }
        return claims.sign();
    }
}
