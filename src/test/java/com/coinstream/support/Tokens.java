package com.coinstream.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** Mints test tokens with the published dev-only key (the same key the dev/test profile trusts). */
public final class Tokens {
    public static final String ISSUER = "https://coinstream.dev/issuer";
    public static final String ADULT = "1990-01-01";
    private static final PrivateKey KEY = loadKey();

    private Tokens() {
    }

    public static String viewer(String subject) {
        return token(subject, Set.of("viewer"), ADULT, "US");
    }

    public static String creator(String subject) {
        return token(subject, Set.of("viewer", "creator"), ADULT, "US");
    }

    public static String admin(String subject) {
        return token(subject, Set.of("admin"), ADULT, "US");
    }

    public static String admin() {
        return admin("admin-" + UUID.randomUUID());
    }

    public static String token(String subject, Set<String> groups, String birthdate, String region) {
        return builder(subject, groups, birthdate, region).sign(KEY);
    }

    public static JwtClaimsBuilder builder(String subject, Set<String> groups, String birthdate, String region) {
        JwtClaimsBuilder b = Jwt.issuer(ISSUER).groups(groups).expiresIn(Duration.ofHours(1));
        if (subject != null) {
            b.subject(subject);
        }
        if (birthdate != null) {
            b.claim("birthdate", birthdate);
        }
        if (region != null) {
            b.claim("region", region);
        }
        return b;
    }

    public static PrivateKey key() {
        return KEY;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static PrivateKey loadKey() {
        try {
            String pem = Files.readString(Path.of("src/main/dev-keys/dev-only-private.pem"))
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the dev-only signing key", e);
        }
    }
}
