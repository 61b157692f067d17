package com.coinstream.web;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.graphql.ApiSecurity;
import com.coinstream.purchase.PaymentSettings;
import com.coinstream.purchase.SimulatedPaymentGateway;

/**
 * What a client needs to know before it can sign anyone in: public, and the only configuration the front end reads. (Under
 * the API's security like every other field: an erased person's token is refused here too.)
 */
@GraphQLApi
@ApiSecurity
public class WebApi {
    private final WebConfig config;
    private final PaymentSettings payments;

    public WebApi(WebConfig config, PaymentSettings payments) {
        this.config = config;
        this.payments = payments;
    }

    @Type("ClientConfig")
    @Description("How a client signs people in, and what the payment sandbox offers.")
    public record ClientConfig(
            @Description("True when the dev token endpoint offers demo users (dev and test only).") boolean devSignIn,
            @Description("The OIDC issuer to sign in at (authorization code flow with PKCE); its tokens are what the API accepts.") String oidcAuthority,
            @Description("The front end's public OIDC client id.") String oidcClientId,
            @NonNull String oidcScope,
            @NonNull @Description("Sandbox card tokens, when the simulated payment provider is configured (never in a real deployment).") List<@NonNull String> sandboxCards) {
    }

    @Query("clientConfig")
    @Description("Public: how a client signs people in, and the sandbox cards when the simulated payment provider is configured.")
    public @NonNull ClientConfig clientConfig() {
        boolean sandbox = SimulatedPaymentGateway.NAME.equals(payments.gateway().name());
        return new ClientConfig(config.devSignIn(), config.oidc().authority().orElse(null), config.oidc().clientId().orElse(null),
                config.oidc().scope(), sandbox ? SimulatedPaymentGateway.CARDS : List.of());
    }
}
