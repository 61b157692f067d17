import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Mints RS256 bearer tokens for the benchmark's seeded viewers with the bench's own key pair (the
 * service verifies them with the public half, exactly as in production). JDK only: run as
 * {@code java TokenMint.java <private.pem> <issuer> <prefix> <count> <out> [group]}.
 */
public class TokenMint {
    public static void main(String[] args) throws Exception {
        String pem = Files.readString(Path.of(args[0])).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        String issuer = args[1];
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        String group = args.length > 5 ? args[5] : "viewer";
        long exp = System.currentTimeMillis() / 1000 + 6 * 3600;
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        List<String> tokens = IntStream.rangeClosed(1, count).parallel().mapToObj(i -> {
            try {
                String payload = b64.encodeToString(("{\"iss\":\"" + issuer + "\",\"sub\":\"" + prefix + i + "\",\"name\":\"Viewer " + i
                        + "\",\"groups\":[\"" + group + "\"],\"birthdate\":\"1990-01-01\",\"region\":\"US\",\"iat\":" + (exp - 6 * 3600) + ",\"exp\":" + exp + "}")
                        .getBytes(StandardCharsets.UTF_8));
                Signature signer = Signature.getInstance("SHA256withRSA");
                signer.initSign(key);
                signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
                return header + "." + payload + "." + b64.encodeToString(signer.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        Files.write(Path.of(args[4]), tokens);
    }
}
