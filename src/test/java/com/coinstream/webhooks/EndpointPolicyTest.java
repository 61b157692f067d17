package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void everyTextualFormOfAnAddressIsJudgedAsTheAddressItDenotes() {
        for (String url : List.of("https://0177.0.0.1/x", "https://0x7f.0.0.1/x", "https://0x7f000001/x", "https://2130706433/x",
                "https://127.1/x", "https://017700000001/x", "https://0/x", "https://10.1/x", "https://0xa9.0xfe.0xa9.0xfe/x",
                "https://[::ffff:127.0.0.1]/x", "https://[::ffff:7f00:1]/x", "https://[::127.0.0.1]/x", "https://[::ffff:0:10.0.0.1]/x",
                "https://[64:ff9b::10.0.0.1]/x", "https://[64:ff9b::a9fe:a9fe]/x", "https://[2002:7f00:1::1]/x", "https://[2001:0:4136:e378::1]/x",
                "https://[64:ff9b:1::a00:1]/x", "https://[fe80::1%25eth0]/x", "https://[2001:db8::1]/x", "https://127.0.0.1./x",
                "https://192.168.1.1.:8443/x", "https://999.1.1.1/x", "https://[2001:2::1]/x", "https://[3fff::1]/x", "https://[2001:10::1]/x",
                "https://[2001:20::1]/x", "https://192.88.99.1/x", "https://[5f00::1]/x", "https://[::]/x", "https://[100::1]/x")) {
            refused(() -> PROD.parse(url));
        }
        assertEquals("127.0.0.1", EndpointPolicy.literal("0177.0.0.1").orElseThrow().getHostAddress());
        assertEquals("127.0.0.1", EndpointPolicy.literal("2130706433").orElseThrow().getHostAddress());
        assertEquals("10.0.0.1", EndpointPolicy.literal("10.1").orElseThrow().getHostAddress());
        assertEquals("93.184.216.34", EndpointPolicy.embeddedV4(ip("64:ff9b::5db8:d822")).getHostAddress());
        PROD.parse("https://93.184.216.34/x");
        PROD.parse("https://[2606:2800:220:1:248:1893:25c8:1946]/x");
        TEST.parse("http://0177.0.0.1:8080/x");
        refused(() -> TEST.parse("http://0.0.0.0:8080/x")); // this host itself, even where private addresses are allowed
        refused(() -> TEST.parse("http://[::]:8080/x"));
    }

    @Test
    void portsAre443OrUnprivileged() {
        for (String url : List.of("https://hooks.example.com:0/x", "https://hooks.example.com:99999/x", "https://hooks.example.com:22/x",
                "https://hooks.example.com:80/x", "https://hooks.example.com:6553600/x")) {
            refused(() -> PROD.parse(url));
        }
        PROD.parse("https://hooks.example.com:443/x");
        PROD.parse("https://hooks.example.com:8443/x");
        PROD.parse("https://hooks.example.com:65535/x");
        TEST.parse("http://127.0.0.1:80/x");
    }

    @Test
    void aNameThatIsRefusedIsNotMappedForTheCaller() {
        // a private answer and no answer read the same, and neither names the address: our resolver's answers stay ours
        Refusal privateAnswer = assertThrows(Refusal.class, () -> PROD.check("db.internal", List.of(ip("10.3.0.12"))));
        Refusal noAnswer = assertThrows(Refusal.class, () -> PROD.check("nothing.internal", List.of()));
        Refusal metadata = assertThrows(Refusal.class, () -> PROD.check("m.internal", List.of(ip("169.254.170.23"))));
        assertEquals(noAnswer.getMessage(), privateAnswer.getMessage());
        assertEquals(noAnswer.getMessage(), metadata.getMessage());
        assertFalse(privateAnswer.getMessage().matches(".*\\d.*"), privateAnswer.getMessage());
        PROD.check("hooks.example.com", List.of(ip("93.184.216.34")));
    }

    @Test
    void reservedBlocksAreExactlyTheirPrefixes() {
        assertEquals("a reserved or documentation address", PROD.refusal(ip("3fff:fff::1"))); // 3fff::/20
        assertNull(PROD.refusal(ip("3ff0::1"))); // outside 3fff::/20: public unicast, as IANA assigns it
        assertNull(PROD.refusal(ip("3fff:1000::1")));
        assertEquals("a cloud metadata address", PRIVATE_ALLOWED.refusal(ip("fd00:ec2::23"))); // EKS Pod Identity, never allowed
        assertEquals("a cloud metadata address", PRIVATE_ALLOWED.refusal(ip("169.254.170.23")));
        // ::/8 is reserved whole, not only the forms that carry an IPv4 address
        assertEquals("a reserved or documentation address", PROD.refusal(ip("::1:0:0:1")));
        assertEquals("a reserved or documentation address", PRIVATE_ALLOWED.refusal(ip("0:ff::1")));
    }
}
