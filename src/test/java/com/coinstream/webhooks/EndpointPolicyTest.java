package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;

/** Server-side request forgery: which endpoints and addresses a webhook may go to. */
@Tag("fast")
class EndpointPolicyTest {
    static final EndpointPolicy PROD = new EndpointPolicy(false, false);
    static final EndpointPolicy TEST = new EndpointPolicy(true, false);
    static final EndpointPolicy PRIVATE_ALLOWED = new EndpointPolicy(false, true);

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static void refused(Runnable r) {
        Refusal e = assertThrows(Refusal.class, r::run);
        assertEquals(ErrorCode.ENDPOINT_NOT_ALLOWED, e.code());
    }

    @Test
    void onlyHttpsExceptPlainHttpToLoopbackWhereLoopbackIsAllowed() {
        PROD.parse("https://hooks.example.com/coinstream?team=7");
        refused(() -> PROD.parse("http://hooks.example.com/x"));
        refused(() -> PROD.parse("http://127.0.0.1:8080/x"));
        TEST.parse("http://127.0.0.1:8080/x");
        TEST.parse("http://localhost:8080/x");
        refused(() -> TEST.parse("http://hooks.example.com/x"));
        refused(() -> PROD.parse("ftp://hooks.example.com/x"));
        refused(() -> PROD.parse("/relative"));
        refused(() -> PROD.parse("https://user:pass@hooks.example.com/x"));
        refused(() -> PROD.parse("https://hooks.example.com/x#frag"));
        refused(() -> PROD.parse("https://" + "a".repeat(2050) + ".com"));
        refused(() -> PROD.parse(null));
        refused(() -> PROD.parse("https://metadata.google.internal/computeMetadata/v1/"));
    }

    @Test
    void privateLinkLocalMetadataAndOtherNonPublicAddressesAreRefusedInProd() {
        for (String a : List.of("10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "169.254.1.1", "127.0.0.1",
                "0.0.0.0", "100.64.0.1", "198.18.0.1", "224.0.0.1", "240.0.0.1", "::1", "fe80::1", "fd00::1", "fc00::2", "::ffff:10.0.0.1",
                "::ffff:169.254.169.254", "::")) {
            refused(() -> PROD.check("h", List.of(ip(a))));
        }
        assertNull(PROD.refusal(ip("93.184.216.34")));
        assertNull(PROD.refusal(ip("2606:2800:220:1:248:1893:25c8:1946")));
        assertNull(PROD.refusal(ip("172.32.0.1")));
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsNotAllowed() {
        refused(() -> PROD.check("h", List.of(ip("93.184.216.34"), ip("10.0.0.1"))));
        refused(() -> PROD.check("h", List.of()));
    }

    @Test
    void theOperatorSettingAllowsPrivateAddressesButNeverMetadata() {
        assertNull(PRIVATE_ALLOWED.refusal(ip("10.1.2.3")));
        assertNull(PRIVATE_ALLOWED.refusal(ip("127.0.0.1")));
        assertNull(PRIVATE_ALLOWED.refusal(ip("fd00::1")));
        refused(() -> PRIVATE_ALLOWED.check("h", List.of(ip("169.254.169.254"))));
        refused(() -> PRIVATE_ALLOWED.check("h", List.of(ip("224.0.0.1"))));
    }

    @Test
    void loopbackIsAllowedInDevAndTestButNotPrivateRanges() {
        assertNull(TEST.refusal(ip("127.0.0.1")));
        assertNull(TEST.refusal(ip("::1")));
        refused(() -> TEST.check("h", List.of(ip("10.0.0.1"))));
        refused(() -> TEST.check("h", List.of(ip("169.254.169.254"))));
    }
}
